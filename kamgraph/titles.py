"""Seniority level from a free-text job title (English and Chinese).

Levels used throughout kamgraph::

    1  board / CEO  - chairman, board member, CEO, president, owner, founder,
                      managing director, Chinese 董事长 / 总裁 / 总经理
    2  VP / GM      - (S/E)VP, general manager, CxO other than the CEO,
                      partner, general counsel, 副总(经理) / 副总裁 / 首席…官
    3  director     - director, head of ..., chief engineer, 总监 / 部长 / 处长 / 主任
                      (Chinese party and government ranks: see below)
    4  manager      - manager, team lead, supervisor, 经理 / 主管 / 组长
    5  staff        - engineer, representative, assistant, analyst, agent,
                      associate, coordinator, 工程师 / 专员 / 助理 ...

>>> level_from_title("VP, Sales")
2
>>> level_from_title("Assistant to the CEO")
5
>>> level_from_title("总经理助理"), level_from_title("副总经理"), level_from_title("  ")
(5, 2, None)
>>> LEVEL_NAMES[level_from_title("Sales & Marketing Director")]
'director / head'

How a title is read
-------------------
1. Normalise: NFKC (full-width ``ＣＥＯ`` -> ``CEO``), a few traditional Chinese
   characters -> simplified, lower case, dotted acronyms (``V.P.``) -> ``vp``,
   separators (``, / & | ; ( ) 、 兼`` ...) -> a ``|`` token so that a
   pattern never spans two parts of a compound title.
2. "Somebody's assistant" is rewritten to plain ``assistant`` *before* any
   rank is looked for: everything after ``assistant to/of/for``,
   ``secretary to``, ``PA to``, ``EA to`` is dropped ("Assistant to the
   President & CEO" -> 5), as are ``CEO's assistant`` and the Chinese
   ``…助理`` / ``…秘书`` / ``…特助`` at the end of a word (``总经理助理`` -> 5).
3. ``_RULES`` is scanned in order. Each rule that matches *consumes* its text
   (so ``vice president`` is never also read as ``president``, nor
   ``general manager`` as ``manager``), and yields a level.
4. A rule may be preceded by a modifier:

   * deputy-type (``deputy``, ``vice``, ``副``): one notch below level 1, no
     change below that - Vice President / Deputy CEO / 副总经理 -> 2, but
     Deputy General Manager -> 2, Deputy Director -> 3, 副经理 -> 4.
     Exception: Vice / Deputy Chairman and 副董事长 stay 1 (a board seat).
   * junior-type (``assistant``, ``associate``, ``asst``, ``assoc``, and
     ``助理`` *in front*): one level junior, but a management title never
     drops out of the manager band - Assistant VP (AVP) -> 3,
     Assistant General Manager -> 3, Associate Director -> 4,
     Assistant Manager -> 4, 助理总经理 -> 2.

   Modifiers stack, innermost first: Assistant Vice President -> 3.
   English modifiers may be separated from the rank by one non-rank word
   ("Assistant Marketing Director" -> 4, "Deputy Sales Manager" -> 4).
5. The most senior (lowest) level found wins: "Director & General Manager"
   -> 2, "Owner/Marketing Assistant" -> 1. Nothing found -> ``None``.

Decisions on ambiguous titles
-----------------------------
* Managing Director (and ``MD``) -> 1: in Europe / Asia the MD runs the company.
  At US investment banks (and at Enron) it is a rank below the executive
  committee; override by hand when that matters.
* Chinese 总经理 -> 1 (it usually means the company's chief executive), while
  English General Manager / GM -> 2 (usually a business-unit head). A 总经理
  qualified by a unit (``华东区总经理``, ``销售总经理``, ``事业部总经理``) -> 2.
* Vice / Deputy Chairman, 副董事长 -> 1 (a board seat); Board member,
  Non-executive / Independent Director, 董事 -> 1.
* Executive Director -> 2: a board seat in UK / HK, a CEO at US non-profits,
  a rank between Senior Director and VP at many US corporates.
* Partner -> 2, Managing Partner -> 1, Associate Partner -> 3,
  (HR) Business Partner -> 5. General Counsel -> 2, Counsel / Lawyer -> 5.
* Country Manager / Country Head / Country Director -> 2 (runs a subsidiary).
* Assistant Manager -> 4 (the most junior management grade, see rule 4).
* 主任 -> 3 (office / centre / workshop head, alongside 部长 and 处长); but
  主任工程师 / 主任医师 / 主任科员 are staff grades -> 5.
* 总工程师 / 总会计师 / 总经济师 -> 2 (members of a Chinese leadership team),
  董事会秘书 (board secretary of a listed company) -> 2, 协理 (Taiwan) -> 2.
* 总法律顾问 (general counsel) and the other 总…师 of a leadership team -> 2; 副总工程师 -> 3.

Chinese party, government and state-owned-enterprise titles
-----------------------------------------------------------
A level ranks a person inside the organization that is the customer, so the same word is
read by what it heads (the context before it):

* **Party.** 党委书记 / 党组书记 (of the customer, be it a group company or a bureau) -> 1:
  in a state-owned enterprise the party secretary decides, often as 董事长 too. A bare 书记
  (市委书记, the unit's 书记) -> 1. 党委副书记 / 党组副书记 / 副书记 -> 2, as are the members
  of the leadership team (党委常委, 党委委员, 党组成员, 班子成员). 纪委书记 (discipline
  inspection, also 纪检组长, 纪委监委主任) -> 2, its deputy -> 3. A secretary of a unit inside
  the customer ranks with the unit: 分公司 / 子公司 / 分厂 / 事业部党委书记 -> 2 (deputy 3),
  党总支书记 -> 3, 党支部书记 / 支部书记 / 车间书记 / 团委书记 -> 4. 书记员 is a court clerk -> 5.
  In English: Party (Committee) Secretary, Secretary of the Party Committee -> 1 (not read as
  somebody's secretary), Deputy Party Secretary -> 2, Discipline Inspection Secretary -> 2.
* **主任.** Of a commission or committee (发改委主任, 管委会主任, 人大常委会主任, 居委会主任)
  the body's head -> 1, 副主任 -> 2. Of an office, centre or workshop (办公室主任,
  信息中心主任, 车间主任, a bare 主任) -> 3, 副主任 -> 4. 主任工程师 / 主任科员 / 主任医师
  are staff grades -> 5.
* **部长.** Of a ministry (商务部部长, 工业和信息化部部长, 中组部部长 ...: the list in
  ``_RULES``) -> 1, 副部长 -> 2. Of a company department (设备工程部部长, 采购部长, a bare
  部长) -> 3, 副部长 -> 4.
* **Heads of a public body** -> 1, 副 -> 2: 局长, 厅长, 省长 / 市长 / 区长 / 县长 / 镇长 / 乡长,
  行长 (a bank), 院长 (a hospital, institute, court), 校长, 社长, 关长 (customs), 署长, 主席,
  会长, 理事长. A unit of one ranks lower: 分局局长 / 分行行长 / 学院院长 (a college of a
  university) / 系主任 -> 2, 支行行长 -> 3.
* **Ranks inside a ministry or department**: 司长 -> 2 (副司长 3), 处长 -> 3 (副处长 4),
  科长 -> 4 (副科长 4). Non-leading ranks: 巡视员 / 一级巡视员 -> 2, 副巡视员 / 二级巡视员 -> 3,
  调研员 / 一级、二级调研员 -> 3, 副调研员 / 三级、四级调研员 -> 4. 秘书长 -> 2 (under the
  市长, 会长 or 主席 it serves; English "Secretary General", the head of an international
  body, stays 1), 副秘书长 -> 3.
* **副** lowers these civil-service ranks one level (a deputy holds a different grade), but
  never below the manager band (4); 副董事长 keeps a board seat (1). For business titles
  the rule above holds (副总监 3, 副经理 4: a deputy there shares the head's band).
* 工会主席 and 监事会主席 (trade union, supervisory board) -> 2: members of the leadership
  team, not its head.
* **兼** joins two posts; the higher wins: 党委书记兼董事长 -> 1, 党委副书记兼总经理 -> 1,
  纪委书记兼工会主席 -> 2.

>>> [level_from_title(t) for t in ("党委书记", "党委副书记", "发改委主任", "办公室主任", "商务部部长", "设备工程部部长")]
[1, 2, 1, 3, 1, 3]
>>> [level_from_title(t) for t in ("处长", "副处长", "科长", "副局长", "党支部书记", "党委副书记兼总经理")]
[3, 4, 4, 2, 4, 1]

Other decisions
---------------
* Chief of Staff, Chief Engineer, other "chief" without "officer" -> 3;
  Section Chief / 科长 / 课长 -> 4. Treasurer -> 3, (Financial) Controller -> 4.
* Coordinator, Administrator, Officer (without "chief"), Executive (as in
  "Account Executive"), Associate, Agent -> 5. Lead / Team Lead -> 4.
* Product / Process / Data Owner -> 5 (a role, not ownership).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = ["LEVEL_NAMES", "level_from_title"]

LEVEL_NAMES: dict[int, str] = {
    1: "board / CEO",
    2: "VP / GM",
    3: "director / head",
    4: "manager",
    5: "staff",
}

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

# Traditional -> simplified, only for characters used by the rules below.
_T2S = str.maketrans(
    {
        "總": "总", "監": "监", "經": "经", "長": "长", "執": "执", "務": "务",
        "財": "财", "術": "术", "專": "专", "員": "员", "師": "师", "處": "处",
        "組": "组", "級": "级", "營": "营", "運": "运", "協": "协", "廠": "厂",
        "課": "课", "會": "会", "辦": "办", "書": "书", "祕": "秘", "創": "创",
        "聯": "联", "負": "负", "責": "责", "區": "区", "業": "业", "銷": "销",
        "顧": "顾", "問": "问", "計": "计", "設": "设", "團": "团", "隊": "队",
        "導": "导", "購": "购", "採": "采", "資": "资", "訊": "讯", "譯": "译",
        "習": "习", "職": "职", "體": "体", "開": "开", "發": "发", "場": "场",
        "戶": "户", "產": "产", "質": "质", "檢": "检", "倉": "仓", "儲": "储",
        "幹": "干", "裡": "里", "個": "个", "們": "们", "實": "实", "驗": "验",
        "領": "领", "後": "后", "與": "与", "締": "缔", "係": "系", "廳": "厅",
        "黨": "党", "紀": "纪", "記": "记", "縣": "县", "視": "视", "調": "调", "關": "关",
        "鄉": "乡", "鎮": "镇", "齊": "齐", "稅": "税", "農": "农", "衛": "卫", "紡": "纺",
    }
)

_CJK = "\u3400-\u9fff\uf900-\ufaff"
# English word boundaries that also hold next to Chinese characters
# ("ceo助理", "中国区gm"): Python's \b sees CJK as word characters.
_L = r"(?<![a-z0-9])"
_R = r"(?![a-z0-9])"

_DOTTED_ACRONYM = re.compile(r"(?<![a-z])(?:[a-z]\.){2,}")  # v.p. c.e.o. m.d.
_SPACED_DASH = re.compile(r"\s[-–—]+\s")  # "Director - Sales"
_HYPHENS = re.compile(r"[-_–—]")  # "Vice-President", "Co-founder"
_SEPARATORS = re.compile(
    r"[,/\\&|;:+()\[\]{}<>·•、，；：（）【】《》\"“”]|(?<=[" + _CJK + r"])兼(?=[" + _CJK + r"])"
)
_PUNCTUATION = re.compile(r"[.'’`!?*#~^=]")
_SPACES = re.compile(r"\s+")

# "X's assistant", "assistant to ..." -> the person is an assistant, full stop.
_POSSESSIVE_ASSISTANT = re.compile(
    r"[^\s|'’]{1,40}['’]s\s+(?:personal\s+|executive\s+)?(?:assistant|secretary)"
)
_ASSISTANT_TO = re.compile(
    _L + r"(?:assistant|asst|secretary|aide|pa|ea)\.?\s+"
    r"(?:to|for|of(?!\s+(?:the\s+)?(?:cpc\s+|communist\s+)?party))" + _R + r".*$",
    re.DOTALL,
)
# "CEO office", "总经理办公室": the office of a senior person, not the person.
_BOSS_OFFICE = re.compile(
    _L
    + r"(?:ceo|chairman|president|gm|md)\s*(?:['’]s\s+)?office"
    + _R
    + r"|(?:总经理|总裁|董事长|董事会)(?:办公室|办)"
)


def _normalise(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).translate(_T2S).casefold()
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _SPACED_DASH.sub(" | ", text)
    text = _HYPHENS.sub(" ", text)
    text = _POSSESSIVE_ASSISTANT.sub(" assistant ", text)
    text = _ASSISTANT_TO.sub(" assistant ", text)
    text = _BOSS_OFFICE.sub(" office ", text)
    text = _SEPARATORS.sub(" | ", text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------

# C-suite abbreviations other than CEO.
_CXO = r"c(?:fo|oo|to|io|mo|so|ro|do|po|co|ao|lo|xo|bo|no|hro|iso|dpo)"
# Words that may not sit between an English modifier and its rank
# ("deputy sales director" is fine, "vice president and ceo" is not).
_STOP = (
    r"(?:and|or|of|to|the|for|in|at|president|chair\w*|directors?|managers?|mgr|"
    r"managing|general|officer|chief|head|lead|leader|partner|supervisor|"
    r"[seag]?vp|ceo|gm|md|" + _CXO + r")" + _R
)
_MOD_WORD = r"(?:deputy|vice|assistant|asst|associate|assoc)"
# One or more modifiers ("assistant vice president"), then at most one
# non-rank word ("deputy sales director").
_EN_MOD = (
    r"(?:(?P<mod>(?:" + _MOD_WORD + r"\s+){1,3})"
    r"(?:(?!" + _STOP + r"|" + _MOD_WORD + _R + r")[a-z]+\s+)?)?"
)
_ZH_MOD = r"(?P<mod>(?:副|助理){0,2})"
_MOD_TOKEN = re.compile(r"[a-z]+|副|助理")

_DEPUTY_MODS = frozenset({"deputy", "vice", "副"})
_JUNIOR_MODS = frozenset({"assistant", "asst", "associate", "assoc", "助理"})


class _Rule(NamedTuple):
    regex: re.Pattern[str]
    level: int
    deputy_level: int | None  # level when preceded by deputy / vice / 副


def _en(base: str, level: int, *, mods: bool = True, deputy: int | None = None) -> _Rule:
    """An English rule: ``base`` is a regex on normalised lower-case text."""
    pattern = _L + (_EN_MOD if mods else "") + r"(?:" + base + r")" + _R
    return _Rule(re.compile(pattern), level, deputy)


def _zh(base: str, level: int, *, mods: bool = True, deputy: int | None = None) -> _Rule:
    """A Chinese rule (no word boundaries in Chinese)."""
    return _Rule(re.compile((_ZH_MOD if mods else "") + r"(?:" + base + r")"), level, deputy)


# Order matters: a rule consumes the text it matches, so specific phrases
# come before the words they contain.
_RULES: tuple[_Rule, ...] = (
    # ---- phrases that must be read before the rank words they contain -----
    _zh(r"董事会秘书|董秘", 2, mods=False),  # board secretary of a listed company
    # "…助理" / "…秘书" at the end of a word: somebody's assistant (总经理助理)
    _zh(r"(?:[a-z]{1,20}\s?)?[" + _CJK + r"]{0,20}(?:助理|秘书|特助|文员)(?![" + _CJK + r"])",
        5, mods=False),
    _zh(r"主任(?:工程师|设计师|医师|科员|会计师?|技师)", 5, mods=False),
    _en(r"(?:product|process|data|service|system|content|budget|risk|control|"
        r"application|platform|feature|asset)\s+owner", 5, mods=False),
    _en(r"(?:hr\s+)?business\s+partner", 5, mods=False),
    _en(r"lead\s+generation|leads", 5, mods=False),
    # ---- level 1: board, chief executive, owner ------------------------------
    _en(r"chair(?:man|woman|person|men)?(?:\s+of\s+the\s+board)?", 1, deputy=1),
    _en(r"board\s+(?:member|director)s?|(?:member|director)\s+of\s+the\s+board|"
        r"board\s+of\s+directors|non\s*executive\s+director|independent\s+director", 1),
    _en(r"chief\s+executive(?:\s+officer)?|ceo|co\s+ceo", 1),
    _en(r"managing\s+director|md", 1),
    _en(r"director\s+general|general\s+director", 1),  # CEO in many countries
    _en(r"secretary\s+general", 1),
    _en(r"(?:co\s*)?president", 1),  # vice / deputy president -> 2
    _en(r"(?:co\s*)?owners?|proprietor", 1),
    _en(r"(?:co\s*)?founder", 1),
    _en(r"managing\s+partner", 1),
    # ---- Chinese party, government and state-owned-enterprise ranks (see the module text) ----
    # the party: the committee's secretary decides; its deputy and the discipline secretary
    # sit on the leadership team; a branch (支部) secretary leads a department's members
    _zh(r"党?总支(?:副)?书记", 3, mods=False),
    _zh(r"(?:党)?支部?(?:委员会)?(?:副)?书记", 4, mods=False),
    _zh(r"(?:车间|科室|部门|班组|工段)(?:党支部|支部)?(?:副)?书记", 4, mods=False),
    _zh(r"团委(?:副)?书记|团支部(?:副)?书记|团总支(?:副)?书记", 4, mods=False),
    _zh(r"(?:分公司|子公司|分厂|事业部|分院|分局)(?:党委)?副书记", 3, mods=False),
    _zh(r"(?:分公司|子公司|分厂|事业部|分院|分局)(?:党委)?书记", 2, mods=False),
    _zh(r"纪(?:检)?委(?:员会)?副书记", 3, mods=False),
    _zh(r"纪(?:检)?委(?:员会)?书记|纪检组(?:组)?长|纪委监委主任", 2, mods=False),
    _zh(r"党(?:委|组)副书记", 2, mods=False),
    _zh(r"党(?:委|组)书记", 1, mods=False),
    _zh(r"党(?:委|组)(?:常委|委员|成员)|班子成员", 2, mods=False),
    _zh(r"书记(?![" + _CJK + r"]?员)", 1, deputy=2),
    _en(r"(?:secretary\s+of\s+the\s+(?:cpc\s+|communist\s+)?party(?:\s+committee)?|"
        r"(?:cpc\s+|communist\s+)?party\s+(?:committee\s+)?secretary)(?:\s+of\s+the\s+(?:group|company))?",
        1),  # the party secretary decides; a deputy -> 2
    _en(r"discipline\s+(?:inspection\s+)?(?:committee\s+)?secretary", 2),  # 市委书记, 书记 of the unit; not 书记员 (a clerk)
    # government: the head of the body that is the customer is 1, a unit inside one by its rank;
    # 副 lowers these ranks one level (a deputy is a different civil-service grade) but not
    # below the manager band
    _zh(r"(?:外交|国防|教育|科技|科学技术|工业和信息化|工信|公安|国家安全|民政|司法|财政|人力资源和社会保障|"
        r"人社|自然资源|生态环境|住房和城乡建设|住建|交通运输|水利|农业农村|农业|商务|文化和旅游|文化|卫生|"
        r"卫生健康|退役军人事务|应急管理|中央组织|中组|中央宣传|中宣|中央统战|统战|中联|铁道|信息产业)"
        r"部副部长", 2, mods=False),
    _zh(r"(?:外交|国防|教育|科技|科学技术|工业和信息化|工信|公安|国家安全|民政|司法|财政|人力资源和社会保障|"
        r"人社|自然资源|生态环境|住房和城乡建设|住建|交通运输|水利|农业农村|农业|商务|文化和旅游|文化|卫生|"
        r"卫生健康|退役军人事务|应急管理|中央组织|中组|中央宣传|中宣|中央统战|统战|中联|铁道|信息产业)"
        r"部部长", 1, mods=False),
    # 主任 of a commission (发改委, 管委会, 人大常委会) heads it; of an office, centre or workshop: 3
    _zh(r"办公室主任|办主任", 3, deputy=4),
    _zh(r"(?:委员会|委会|管委会|[^纪党团]委)副主任(?!委员|科员|医师|工程师)", 2, mods=False),
    _zh(r"(?:委员会|委会|管委会|[^纪党团]委)主任(?!委员|科员|医师|工程师)", 1, deputy=2),
    _zh(r"一级巡视员", 2, mods=False),
    _zh(r"二级巡视员", 3, mods=False),
    _zh(r"巡视员", 2, deputy=3),
    _zh(r"[一二]级调研员", 3, mods=False),
    _zh(r"[三四]级调研员", 4, mods=False),
    _zh(r"调研员", 3, deputy=4),
    _zh(r"分行(?:副)?行长", 2, mods=False),
    _zh(r"支行(?:副)?行长", 3, mods=False),
    _zh(r"(?:分院|学院|系)(?:副)?院长|系主任", 2, mods=False),
    _zh(r"分局(?:副)?局长", 2, mods=False),
    _zh(r"局长|厅长|省长|市长|区长|县长|州长|镇长|乡长|行长|院长|校长|关长|署长", 1, deputy=2),
    _zh(r"司长|秘书长", 2, deputy=3),
    _zh(r"处长", 3, deputy=4),
    _zh(r"工会主席|监事会主席|监事长", 2, deputy=3),
    _zh(r"总法律顾问|总审计师|总质量师|总信息师|总规划师|总农艺师|总畜牧师|总设计师", 2, deputy=3),
    _zh(r"董事长|董事会主席", 1, deputy=1),
    _zh(r"主席|会长|社长|理事长", 1, deputy=2),
    _zh(r"董事总经理", 1),  # Hong Kong "managing director"
    _zh(r"(?:执行|独立|常务|非执行)?董事|取缔役", 1),
    _zh(r"首席执行官|执行长|行政总裁", 1),
    _zh(r"总裁", 1),
    # a 总经理 qualified by a unit runs that unit, not the company
    _zh(r"(?:区|部|事业群|分公司|子公司|中心|工厂|厂|销售|业务|营销|市场)总经理", 2),
    _zh(r"总经理", 1),
    _zh(r"(?:联合)?创始人|创办人|老板|法定代表人|法人代表", 1),
    # ---- level 2: VP, GM, CxO, partner ---------------------------------------
    _en(r"avp", 3),  # assistant vice president
    _en(r"[seg]?vp", 2),
    _en(r"general\s+(?:manager|mgr)|gm", 2),
    _en(r"country\s+(?:manager|head|director)", 2),
    _en(r"executive\s+director", 2),
    _en(r"chief\s+of\s+staff", 3),  # before "chief ... officer" / "staff"
    _en(r"chief\s+(?:[a-z]+\s+){0,3}officer", 2),
    _en(_CXO, 2),
    _en(r"general\s+counsel", 2),
    _en(r"(?:senior\s+|equity\s+|founding\s+)?partners?"
        r"(?!\s+(?:manager|account|relations|program|marketing|sales|success|"
        r"development|alliances?|engineer|specialist|executive|support)" + _R + r")", 2),
    _zh(r"首席[" + _CJK + r"]{1,5}官", 2),
    _zh(r"(?:财务|营运|运营|技术|资讯|信息|行销|营销|人资|法务|策略)长", 2),  # Taiwan CxO
    _zh(r"总工程师|总工|总会计师|总经济师", 2, deputy=3),
    _zh(r"协理|合伙人", 2),
    # ---- level 3: director, head ---------------------------------------------
    _en(r"section\s+(?:chief|head)", 4),  # before "chief" / "head"
    _en(r"chief", 3),  # chief engineer, chief accountant ...
    _en(r"directors?|dir", 3),
    _en(r"head(?!\s+(?:office|count|quarters)" + _R + r")", 3),
    _en(r"treasurer", 3),
    _zh(r"总监|厂长|所长|负责人", 3),
    _zh(r"部长|主任", 3, deputy=4),  # of a company department, office, centre or workshop
    _zh(r"副总", 2, mods=False),  # short for 副总经理 / 副总裁; after 副总监 / 副总工
    # ---- level 4: manager, lead ----------------------------------------------
    _en(r"managers?|mgr|supervisor|supv|foreman|superintendent|"
        r"(?:team\s+)?leader|(?:team\s+|tech\s+)?lead|controller|comptroller", 4),
    _zh(r"经理|襄理|主管|组长|班长|领班|科长|课长|股长|督导|队长|系长", 4),
    # ---- level 5: staff ------------------------------------------------------
    _en(r"engineers?|engr|eng|representatives?|reps?|assistant|asst|analyst|"
        r"clerk|specialist|associate|assoc|agent|administrator|admin|"
        r"coordinator|officer|consultant|accountant|bookkeeper|trader|"
        r"employee|staff|worker|buyer|purchaser|planner|technician|developer|"
        r"programmer|designer|architect|scientist|researcher|executive|exec|"
        r"secretary|receptionist|intern|trainee|apprentice|operator|auditor|"
        r"advisor|adviser|expert|sales(?:man|woman|person|people)|cashier|"
        r"teller|driver|nurse|physician|doctor|teacher|lawyer|attorney|"
        r"solicitor|paralegal|counsel|inspector|estimator|merchandiser|"
        r"member|chemist|editor|writer|translator|interpreter",
        5, mods=False),
    _zh(r"工程师|专员|助理|秘书|文员|职员|员工|代表|顾问|客服|翻译|实习生|会计|"
        r"出纳|[" + _CJK + r"]员|[" + _CJK + r"]师|开发", 5, mods=False),
)


def _apply_modifiers(rule: _Rule, mods: str | None) -> int:
    """Level of ``rule`` after its modifiers, innermost (rightmost) first."""
    level = rule.level
    if not mods:
        return level
    for i, mod in enumerate(reversed(_MOD_TOKEN.findall(mods))):
        if mod in _DEPUTY_MODS:
            if i == 0 and rule.deputy_level is not None:
                level = rule.deputy_level  # vice chairman keeps a board seat
            else:
                level = max(level, 2)
        elif mod in _JUNIOR_MODS and level < 4:
            level += 1  # never pushed out of the manager band
    return level


@lru_cache(maxsize=4096)
def _level_of_normalised(text: str) -> int | None:
    best: int | None = None
    for rule in _RULES:
        found: list[int] = []

        def consume(m: re.Match[str], rule: _Rule = rule, found: list[int] = found) -> str:
            found.append(_apply_modifiers(rule, m.groupdict().get("mod")))
            return " | "

        text = rule.regex.sub(consume, text)
        if found:
            level = min(found)
            if best is None or level < best:
                best = level
                if best == 1:
                    break
    return best


def level_from_title(title: str | None) -> int | None:
    """Seniority level 1..5 of a job title, or ``None`` when nothing is recognised.

    1 = board / CEO, 2 = VP / GM, 3 = director / head, 4 = manager, 5 = staff
    (see :data:`LEVEL_NAMES` and the module docstring for the rules).

    >>> [level_from_title(t) for t in ("CEO", "Vice President", "Head of IT",
    ...                                  "Marketing Manager", "Sales Agent", "xyz")]
    [1, 2, 3, 4, 5, None]
    """
    if not isinstance(title, str):
        return None
    text = _normalise(title)
    if not text.strip(" |"):
        return None
    return _level_of_normalised(text)
