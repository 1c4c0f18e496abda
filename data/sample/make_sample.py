"""Generate the kamgraph sample portfolio (data/sample/*.csv), deterministically.

The sample is invented by the kamgraph team: a maker of motion-control and factory
automation systems, *Lumenta Automation Co., Ltd.*, and its twelve key accounts in China,
Germany, Singapore, France and Japan. It is written in the CSV import format of
``kamgraph/schema.py`` (one ``<entity>.csv`` per entity, columns = schema columns) and
holds the deliberate stories that ``data/sample/README.md`` documents and
``tests/test_sample_data.py`` verifies at the anchor date 2026-11-15.

Usage::

    python data/sample/make_sample.py            # rewrite the CSVs beside this file
    python data/sample/make_sample.py --out DIR  # write them somewhere else

Only the standard library is used, and one seeded ``random.Random`` is drawn from in a
fixed order, so every run writes byte-identical files. The background (names, phone
numbers, dates of routine meetings) is random; every story is written out by hand below:
the story people appear only in the recurring touchpoints and single interactions that
the story allows (see :func:`account_plan` and :func:`single_interactions`).
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20261115
AS_OF = date(2026, 11, 15)  # the anchor date the stories hold at
START = date(2025, 5, 1)  # first day of the 18 months of interactions
END = date(2026, 11, 14)  # last day with interactions

# Column order of every file: must equal kamgraph.schema.ENTITIES (the test checks it).
COLUMNS: dict[str, list[str]] = {
    "accounts": ["id", "name", "industry", "region", "city", "country", "tier", "problem", "owner_id",
                 "revenue", "gross_margin", "collection_rate", "on_time_payment", "growth",
                 "industry_influence", "strategic_fit"],
    "organizations": ["id", "name", "kind", "city", "country"],
    "people": ["id", "name", "side", "title", "level", "email", "phone", "city", "country", "notes"],
    "employment": ["person_id", "org_id", "title", "team_role", "since", "until"],
    "assessments": ["person_id", "account_id", "assessed_on", "decision_role", "attitude", "influence",
                    "assessed_by", "source"],
    "reports_to": ["person_id", "manager_id"],
    "ties": ["person_id", "other_id", "kind", "strength", "assessed_on", "since", "notes"],
    "influence": ["source_id", "target_id", "weight"],
    "memberships": ["person_id", "org_id", "role", "since"],
    "interactions": ["id", "date", "kind", "account_id", "opportunity_id", "subject", "notes"],
    "attendance": ["interaction_id", "person_id"],
    "opportunities": ["id", "account_id", "name", "stage", "status", "amount", "close_date"],
    "opportunity_roles": ["person_id", "opportunity_id", "role", "attitude", "influence"],
}
# Sort keys (the schema keys), so files are stable and diff well.
KEYS: dict[str, list[str]] = {
    "accounts": ["id"], "organizations": ["id"], "people": ["id"],
    "employment": ["person_id", "org_id"], "assessments": ["person_id", "account_id", "assessed_on"],
    "reports_to": ["person_id", "manager_id"], "ties": ["person_id", "other_id", "kind"],
    "influence": ["source_id", "target_id"], "memberships": ["person_id", "org_id"],
    "interactions": ["id"], "attendance": ["interaction_id", "person_id"], "opportunities": ["id"],
    "opportunity_roles": ["person_id", "opportunity_id"],
}

D = date.fromisoformat

# ---------------------------------------------------------------------------------------
# Our company and its people
# ---------------------------------------------------------------------------------------

OUR_ORG = "O-01"

ORGANIZATIONS = [
    # id, name, kind, city, country
    ("O-01", "Lumenta Automation Co., Ltd. 鲁明塔自动化有限公司", "internal", "Suzhou", "CN"),
    ("O-02", "China Intelligent Manufacturing Equipment Association 中国智能制造装备协会", "association", "Beijing", "CN"),
    ("O-03", "Shanghai Bureau of Industrial Standards 上海市工业标准局", "regulator", "Shanghai", "CN"),
    ("O-04", "Huaihai Business School EMBA Class of 2019 淮海商学院EMBA 2019级", "alumni", "Shanghai", "CN"),
    ("O-05", "Bayerischer Automationsverband e.V.", "association", "Munich", "DE"),
    ("O-06", "Rhein-Asia Systems Integration GmbH", "partner", "Düsseldorf", "DE"),
    ("O-07", "Jiangnan Polytechnic Alumni Association 江南工学院校友会", "alumni", "Wuxi", "CN"),
    ("O-08", "Singapore-China Manufacturing Chamber", "association", "Singapore", "SG"),
    ("O-09", "Qiantang Capital 钱塘资本", "other", "Hangzhou", "CN"),
    ("O-10", "Jurong Industrial Development Board", "government", "Singapore", "SG"),
    ("O-11", "Pujiang Commercial Bank 浦江商业银行", "other", "Shanghai", "CN"),
    ("O-12", "China Automation Weekly 中国自动化周刊", "other", "Beijing", "CN"),
]

# id, name, title, level ("" = derived from the title), city, country, notes
INTERNAL = [
    ("S-01", "Chen Hao 陈昊", "CEO 首席执行官", "1", "Suzhou", "CN", "Founder; EMBA 2019 (Huaihai Business School)."),
    ("S-02", "Margaret Lin 林美玲", "VP Sales 销售副总裁", "2", "Shanghai", "CN",
     "Council member of the China Intelligent Manufacturing Equipment Association."),
    ("S-03", "Gu Weiming 顾伟明", "East China Sales Director 华东区销售总监", "3", "Shanghai", "CN", ""),
    ("S-04", "Lai Zhenhua 赖振华", "South China Sales Director 华南区销售总监", "3", "Shenzhen", "CN", ""),
    ("S-05", "Meng Qingsong 孟庆松", "North China Sales Director 华北区销售总监", "", "Beijing", "CN",
     "Former army officer."),
    ("S-06", "Tobias Brandt", "International Sales Director", "3", "Munich", "DE", ""),
    ("S-07", "Xu Ying 徐颖", "Solutions Director 解决方案总监", "3", "Suzhou", "CN", ""),
    ("S-08", "Kong Fanyu 孔繁宇", "Delivery Director 交付总监", "", "Suzhou", "CN", ""),
    ("S-09", "Yin Hao 尹浩", "Key Account Manager 大客户经理", "4", "Beijing", "CN", ""),
    ("S-10", "Rachel Goh", "Key Account Manager", "4", "Singapore", "SG", ""),
    ("S-11", "Jiang Siyu 江思雨", "Key Account Manager 大客户经理", "", "Hangzhou", "CN", ""),
    ("S-12", "Tang Kai 汤凯", "Key Account Manager 大客户经理", "4", "Chengdu", "CN", ""),
    ("S-13", "Élodie Marchand", "Key Account Manager", "4", "Lyon", "FR", ""),
    ("S-14", "Shi Jiawei 史家伟", "Key Account Manager 大客户经理", "4", "Suzhou", "CN", ""),
    ("S-15", "Qiao Lin 乔琳", "Key Account Manager 大客户经理", "", "Qingdao", "CN", ""),
    ("S-16", "Kenji Morita 森田健司", "Key Account Manager", "4", "Osaka", "JP", ""),
    ("S-17", "Felix Hartmann", "Solution Manager", "4", "Munich", "DE", ""),
    ("S-18", "Wen Jiaqi 文嘉琪", "Solution Manager 解决方案经理", "4", "Shenzhen", "CN", ""),
    ("S-19", "Hou Yuchen 侯宇辰", "Solution Manager 解决方案经理", "", "Beijing", "CN", ""),
    ("S-20", "Ye Zhen 叶臻", "Solution Manager 解决方案经理", "4", "Suzhou", "CN", ""),
    ("S-21", "Duan Peng 段鹏", "Delivery Manager 交付经理", "4", "Shanghai", "CN", ""),
    ("S-22", "Gong Xiaofeng 龚晓峰", "Delivery Manager 交付经理", "4", "Shenzhen", "CN", ""),
    ("S-23", "Bai Shuang 白爽", "Delivery Manager 交付经理", "", "Beijing", "CN", ""),
    ("S-24", "Nicolas Girard", "Application Engineer", "5", "Lyon", "FR", ""),
    ("S-25", "Zou Tianle 邹天乐", "Service Engineer 服务工程师", "5", "Guangzhou", "CN", ""),
]

# External connectors: id, name, title, level, org (employment), city, country, notes
EXTERNAL = [
    ("X-01", "Sun Lihua 孙丽华", "Managing Partner", "", "O-09", "Hangzhou", "CN",
     "EMBA 2019 classmate of Chen Hao and of Zhou Jianguo (Lanxin Semiconductor)."),
    ("X-02", "Du Jianping 杜建平", "Secretary-General", "", "O-02", "Beijing", "CN", ""),
    ("X-03", "Qin Yuanchao 秦远超", "Deputy Director-General, 副局长", "", "O-03", "Shanghai", "CN", ""),
    ("X-04", "David Koh", "Chairman, Kranji Holdings", "", None, "Singapore", "SG", "Golf partner of Margaret Lin."),
    ("X-05", "Andreas Vogt", "Independent Consultant", "", None, "Munich", "DE",
     "Former colleague of Tobias Brandt and of Dr. Stefan Krüger."),
    ("X-06", "Dr. Ingrid Schäfer", "President", "", "O-05", "Munich", "DE", ""),
    ("X-07", "Ng Wei Ling", "Executive Director", "", "O-08", "Singapore", "SG", ""),
    ("X-08", "Lai Jianhong 赖建宏", "Owner, Dongguan Hongtu Logistics", "", None, "Dongguan", "CN",
     "Cousin of Lai Zhenhua."),
    ("X-09", "Wei Dongsheng 魏东升", "Retired Colonel, Adviser", "", None, "Beijing", "CN",
     "Served with Meng Qingsong."),
    ("X-10", "Prof. Yan Zhiming 阎志明", "Professor of Mechatronics", "3", None, "Wuxi", "CN",
     "Jiangnan Polytechnic; taught several customer engineers."),
    ("X-11", "Markus Lehmann", "Partner", "", "O-06", "Düsseldorf", "DE", ""),
    ("X-12", "Cai Wenjing 蔡文静", "Relationship Director", "", "O-11", "Shanghai", "CN", ""),
    ("X-13", "Sophie Laurent", "Avocate associée", "2", None, "Lyon", "FR", ""),
    ("X-14", "Yamamoto Keiko 山本惠子", "Senior Consultant", "", None, "Osaka", "JP", ""),
    ("X-15", "Pan Yiwen 潘怡雯", "Principal Consultant, Executive Search", "", None, "Singapore", "SG", ""),
    ("X-16", "Zhong Guowei 钟国伟", "Chairman, Zhongtai Plastics", "", None, "Ningbo", "CN", "EMBA 2019 classmate."),
    ("X-17", "Rahul Mehta", "Senior Officer", "", "O-10", "Singapore", "SG", ""),
    ("X-18", "Feng Xiaodong 冯晓东", "Editor-in-Chief", "", "O-12", "Beijing", "CN", ""),
    ("X-19", "Luo Ting 罗婷", "Deputy Secretary-General", "", "O-02", "Beijing", "CN", ""),
    ("X-20", "Peter Walsh", "Former VP Operations (retired)", "", None, "Munich", "DE",
     "Lumenta's first VP Operations; now advises Bavarian machine builders."),
]

# ---------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    id: str
    name: str
    industry: str
    region: str
    city: str
    country: str
    tier: str
    problem: bool
    revenue: float
    gross_margin: float
    collection_rate: float
    on_time_payment: float
    growth: float
    industry_influence: int
    strategic_fit: int
    template: str  # roster template
    locale: str  # name pool
    domain: str  # e-mail domain
    team: dict  # team_role -> internal person id


ACCOUNTS = [
    AccountSpec("A-01", "Shanghai Lanxin Semiconductor 上海澜芯半导体有限公司", "Semiconductor manufacturing",
                "East China", "Shanghai", "CN", "diamond", False, 236e6, 0.36, 0.99, 0.96, 0.16, 5, 5,
                "cn_diamond", "cn", "lanxin-semi.example",
                {"executive_sponsor": "S-01", "ar": "S-03", "sr": "S-07", "fr": "S-21"}),
    AccountSpec("A-02", "Bayern Präzisionswerke GmbH", "Precision machinery", "Europe", "Munich", "DE",
                "diamond", False, 168e6, 0.33, 1.00, 0.99, 0.12, 5, 5, "de_diamond", "de",
                "bayern-praezision.example",
                {"executive_sponsor": "S-02", "ar": "S-06", "sr": "S-17", "fr": "S-08"}),
    AccountSpec("A-03", "Shenzhen Pengcheng Electronics 深圳鹏城电子股份有限公司", "Electronics manufacturing services",
                "South China", "Shenzhen", "CN", "diamond", False, 121e6, 0.31, 0.995, 0.97, 0.21, 5, 5,
                "cn_diamond", "cn", "pcelec.example",
                {"executive_sponsor": "S-01", "ar": "S-04", "sr": "S-18", "fr": "S-22"}),
    AccountSpec("A-04", "Beijing Jingwei Intelligent Equipment 北京经纬智能装备有限公司", "Industrial robotics",
                "North China", "Beijing", "CN", "gold", False, 52e6, 0.30, 0.97, 0.93, 0.24, 4, 5,
                "cn_gold", "cn", "jingwei-ie.example",
                {"ar": "S-09", "sr": "S-19", "fr": "S-23", "other": "S-05"}),
    AccountSpec("A-05", "Straits Precision Engineering Pte. Ltd.", "Medical device contract manufacturing",
                "Southeast Asia", "Singapore", "SG", "gold", False, 44e6, 0.34, 0.98, 0.98, 0.10, 4, 4,
                "sg_gold", "sg", "straitsprecision.example",
                {"executive_sponsor": "S-02", "ar": "S-10", "sr": "S-17", "fr": "S-21"}),
    AccountSpec("A-06", "Hangzhou Tianmu Packaging Machinery 杭州天目包装机械有限公司", "Packaging machinery",
                "East China", "Hangzhou", "CN", "gold", False, 36e6, 0.29, 0.96, 0.94, 0.17, 4, 4,
                "cn_gold", "cn", "tianmu-pack.example",
                {"ar": "S-11", "sr": "S-20", "fr": "S-22"}),
    AccountSpec("A-07", "Chengdu Jinsha Auto Parts 成都金沙汽车零部件有限公司", "Automotive components",
                "Southwest China", "Chengdu", "CN", "gold", False, 29e6, 0.28, 0.975, 0.95, 0.19, 4, 4,
                "cn_gold", "cn", "jinsha-auto.example",
                {"ar": "S-12", "sr": "S-19"}),  # no FR: the missing iron-triangle role
    AccountSpec("A-08", "Rhône Médical Systèmes SA", "Medical equipment", "Europe", "Lyon", "FR", "silver",
                False, 14.5e6, 0.26, 0.95, 0.90, 0.05, 3, 3, "fr_silver", "fr", "rhone-medical.example",
                {"ar": "S-13", "sr": "S-24"}),
    AccountSpec("A-09", "Suzhou Jincheng Textile Machinery 苏州锦程纺织机械有限公司", "Textile machinery",
                "East China", "Suzhou", "CN", "silver", False, 11e6, 0.19, 0.93, 0.86, 0.02, 2, 2,
                "cn_silver", "cn", "jincheng-tm.example",
                {"ar": "S-14", "sr": "S-20", "fr": "S-23"}),
    AccountSpec("A-10", "Qingdao Haiyun Cold Chain 青岛海韵冷链设备有限公司", "Refrigeration equipment",
                "North China", "Qingdao", "CN", "silver", False, 8.2e6, 0.21, 0.92, 0.84, 0.08, 2, 3,
                "cn_silver", "cn", "haiyun-cc.example",
                {"ar": "S-15", "sr": "S-25"}),
    AccountSpec("A-11", "Naniwa Seiki K.K. 浪速精機株式会社", "Machine tools", "Japan", "Osaka", "JP", "silver",
                False, 6.4e6, 0.24, 0.94, 0.92, -0.04, 3, 2, "jp_silver", "jp", "naniwa-seiki.example",
                {"ar": "S-16", "sr": "S-18"}),
    AccountSpec("A-12", "Guangzhou Lingnan Food Equipment 广州岭南食品装备有限公司", "Food processing equipment",
                "South China", "Guangzhou", "CN", "silver", True, 4.8e6, -0.06, 0.71, 0.55, -0.12, 1, 2,
                "cn_silver", "cn", "lingnan-fe.example",
                {"ar": "S-14", "fr": "S-25"}),
]

# Roster templates: (key, title, level given in the file ("" = derive), decision role,
# influence, manager key). Order matters: it is the id order.
TEMPLATES: dict[str, list[tuple]] = {
    "cn_diamond": [
        ("chair", "董事长", "", "decision_maker", 5, None),
        ("gm", "总经理", "1", "approver", 5, "chair"),
        ("cfo", "CFO", "2", "approver", 4, "gm"),
        ("vp", "副总经理", "", "influencer", 4, "gm"),
        ("cto", "CTO", "2", "technical_evaluator", 4, "gm"),
        ("proc_dir", "采购总监", "3", "procurement", 3, "cfo"),
        ("it_dir", "信息中心主任", "", "technical_evaluator", 3, "cto"),
        ("eng_dir", "设备工程部部长", "3", "technical_evaluator", 3, "vp"),
        ("plant_dir", "生产总监", "", "user", 3, "vp"),
        ("asst", "总经理助理", "5", "coach", 2, "gm"),
        ("proc_mgr", "采购经理", "", "procurement", 2, "proc_dir"),
        ("qa_mgr", "质量经理", "4", "influencer", 2, "plant_dir"),
        ("it_mgr", "IT经理", "", "user", 2, "it_dir"),
        ("prod_mgr", "生产经理", "4", "user", 2, "plant_dir"),
        ("rd_dir", "研发总监", "", "influencer", 3, "cto"),
        ("eng1", "自动化工程师", "5", "user", 1, "eng_dir"),
        ("eng2", "高级工程师", "", "user", 1, "rd_dir"),
        ("fin_mgr", "财务经理", "4", None, 1, "cfo"),
    ],
    "de_diamond": [
        ("ceo", "Vorsitzender der Geschäftsführung (CEO)", "", "decision_maker", 5, None),
        ("cfo", "CFO (Finanzvorstand)", "2", "approver", 4, "ceo"),
        ("coo", "Chief Operating Officer", "", "approver", 4, "ceo"),
        ("cto", "Technischer Geschäftsführer", "2", "technical_evaluator", 4, "ceo"),
        ("proc_head", "Head of Procurement", "3", "procurement", 3, "cfo"),
        ("eng_dir", "Director of Engineering", "", "technical_evaluator", 3, "cto"),
        ("plant", "Werksleiter Augsburg", "3", "user", 3, "coo"),
        ("it_head", "Head of IT", "3", "technical_evaluator", 3, "cto"),
        ("automation", "Head of Automation", "", "coach", 3, "cto"),
        ("buyer", "Einkaufsleiter", "4", "procurement", 2, "proc_head"),
        ("qm", "Quality Manager", "4", "influencer", 2, "coo"),
        ("maint", "Maintenance Supervisor", "", "user", 2, "plant"),
        ("ctrl1", "Controls Engineer", "5", "user", 1, "eng_dir"),
        ("ctrl2", "Controls Engineer", "", "user", 1, "automation"),
        ("prodm", "Production Manager", "4", "user", 2, "plant"),
        ("proj", "Project Manager", "", "influencer", 2, "automation"),
        ("fin", "Finance Director", "3", None, 1, "cfo"),
        ("assist", "Executive Assistant to the CEO", "", None, 1, "ceo"),
    ],
    "cn_gold": [
        ("chair", "董事长兼总经理", "1", "decision_maker", 5, None),
        ("vp", "副总经理", "2", "approver", 4, "chair"),
        ("fin", "财务总监", "", "approver", 3, "chair"),
        ("cto", "技术总监", "3", "technical_evaluator", 4, "vp"),
        ("proc", "采购经理", "4", "procurement", 3, "fin"),
        ("plant", "工厂厂长", "", "user", 3, "vp"),
        ("it", "信息中心主任", "3", "technical_evaluator", 2, "vp"),
        ("eq", "设备部经理", "", "technical_evaluator", 2, "plant"),
        ("qa", "质量经理", "4", "influencer", 2, "plant"),
        ("asst", "总经理助理", "", "coach", 2, "chair"),
        ("prod", "生产经理", "4", "user", 2, "plant"),
        ("eng1", "自动化工程师", "", "user", 1, "eq"),
        ("buyer", "采购专员", "5", "procurement", 1, "proc"),
    ],
    "sg_gold": [
        ("md", "Managing Director", "", "decision_maker", 5, None),
        ("cfo", "Chief Financial Officer", "2", "approver", 4, "md"),
        ("coo", "COO", "", "approver", 4, "md"),
        ("ops_dir", "Operations Director", "3", "user", 3, "coo"),
        ("proc_mgr", "Procurement Manager, Asia", "", "procurement", 3, "cfo"),
        ("eng_head", "Head of Engineering", "3", "technical_evaluator", 4, "coo"),
        ("plant", "Plant Manager", "", "user", 2, "ops_dir"),
        ("it_mgr", "IT Manager", "4", "technical_evaluator", 2, "md"),
        ("qa", "Quality Manager", "", "influencer", 2, "ops_dir"),
        ("coach", "Engineering Manager", "4", "coach", 2, "eng_head"),
        ("eng", "Senior Automation Engineer", "", "user", 1, "coach"),
        ("buyer", "Buyer", "5", "procurement", 1, "proc_mgr"),
        ("prod", "Production Supervisor", "", "user", 1, "plant"),
    ],
    "cn_silver": [
        ("boss", "总经理", "", "decision_maker", 5, None),
        ("vp", "副总经理", "2", "approver", 4, "boss"),
        ("fin", "财务经理", "", "approver", 3, "boss"),
        ("tech", "技术部经理", "4", "technical_evaluator", 3, "vp"),
        ("proc", "采购经理", "", "procurement", 2, "fin"),
        ("prod", "生产经理", "4", "user", 2, "vp"),
        ("eq", "设备主管", "", "user", 1, "prod"),
        ("eng", "工程师", "5", "user", 1, "tech"),
        ("pm", "项目经理", "", "influencer", 2, "tech"),
    ],
    "fr_silver": [
        ("pdg", "Président-Directeur Général", "1", "decision_maker", 5, None),
        ("daf", "Directeur Administratif et Financier", "2", "approver", 4, "pdg"),
        ("dt", "Directeur Technique", "3", "technical_evaluator", 4, "pdg"),
        ("achats", "Responsable Achats", "4", "procurement", 3, "daf"),
        ("maint", "Responsable Maintenance", "4", "user", 2, "dt"),
        ("methodes", "Ingénieur Méthodes", "5", "user", 1, "dt"),
        ("prod", "Production Manager", "", "user", 2, "dt"),
        ("qual", "Quality Manager", "", "influencer", 2, "pdg"),
        ("it", "IT Manager", "4", "technical_evaluator", 2, "daf"),
    ],
    "jp_silver": [
        ("pres", "President & CEO 代表取締役社長", "", "decision_maker", 5, None),
        ("mfg", "VP Manufacturing 製造本部長", "2", "approver", 4, "pres"),
        ("proc", "General Manager, Procurement", "", "procurement", 3, "pres"),
        ("pe", "Section Chief, Production Engineering", "", "technical_evaluator", 3, "mfg"),
        ("plant", "Plant Manager", "4", "user", 2, "mfg"),
        ("it", "IT Manager", "", "technical_evaluator", 2, "pres"),
        ("qa", "Quality Manager", "4", "influencer", 2, "mfg"),
        ("eng1", "Engineer", "", "user", 1, "pe"),
        ("eng2", "Engineer", "5", "user", 1, "pe"),
    ],
}

# Per-account changes to the templates (the story people, and a few realistic variations).
#   name: fixed name; title/level/role/influence/attitude: overrides; extra: added positions.
ROSTER_OVERRIDES: dict[str, dict[str, dict]] = {
    "A-01": {
        "chair": {"name": "Zhou Jianguo 周建国", "attitude": "neutral",
                  "notes": "Founder-chairman; EMBA 2019 classmate of Sun Lihua."},
        "gm": {"name": "Wu Haiyan 吴海燕", "attitude": "supporter"},
        "asst": {"attitude": "champion"},
    },
    "A-02": {
        "ceo": {"name": "Dr. Matthias Oberhuber", "attitude": "neutral"},
        "cfo": {"name": "Dr. Stefan Krüger", "attitude": "opponent", "influence": 4, "role": "approver",
                "notes": "Ran procurement at a competitor's main customer; prefers the incumbent supplier."},
        "cto": {"name": "Dr. Jörg Hoffmann"},
        "automation": {"name": "Sabine Weiß", "attitude": "champion"},
    },
    "A-03": {
        "chair": {"name": "Huang Weidong 黄卫东", "title": "董事长兼总裁", "attitude": "supporter"},
        "cto": {"name": "Fang Zhiyuan 方志远", "role": "approver", "attitude": "champion",
                "notes": "Sponsored the 2025 MES roll-out; moved to the Dongguan plant project in 2026."},
        "proc_dir": {"name": "Liang Xiaoqing 梁晓晴"},
    },
    "A-04": {
        "chair": {"name": "Zhao Guohua 赵国华", "title": "总裁", "level": "", "attitude": "supporter"},
    },
    "A-05": {
        "md": {"name": "Lim Boon Keat", "attitude": "supporter"},
        "extra": [("cio", "Chief Information Officer", "", "technical_evaluator", 4, "md")],
        "cio": {"name": "Priya Raman", "attitude": "neutral", "since": "2026-08-03",
                "notes": "Joined from a medtech group in August 2026."},
    },
    "A-06": {
        "chair": {"name": "Shen Guoliang 沈国良", "attitude": "neutral",
                  "notes": "Vice-chairman of the China Intelligent Manufacturing Equipment Association."},
    },
    "A-07": {
        "chair": {"name": "Huang Zhiqiang 黄志强", "title": "总经理", "level": ""},
        "extra": [("office", "总经理办公室主任", "", "influencer", 4, "chair"),
                  ("admin", "行政主管", "4", None, 1, "office")],
        "office": {"name": "Deng Yue 邓悦", "attitude": "supporter",
                   "notes": "Runs the GM's office; the GM rarely signs without her view."},
        "asst": {"manager": "office"},
        "fin": {"title": "首席财务官", "level": "2"},
        "plant": {"title": "生产副总经理", "level": ""},
    },
    "A-08": {"pdg": {"name": "François Delorme", "attitude": "supporter"}},
    "A-11": {"pres": {"name": "Tanaka Hiroshi 田中宏", "attitude": "supporter"}},
    "A-12": {"boss": {"name": "Tan Jiaxing 谭嘉兴", "role": None}},  # no decision-maker known
}

ROSTER_SIZES = {"cn_diamond": 18, "de_diamond": 18, "cn_gold": 13, "sg_gold": 13, "cn_silver": 9,
                "fr_silver": 9, "jp_silver": 9}

# ---------------------------------------------------------------------------------------
# Name pools
# ---------------------------------------------------------------------------------------

CN_SURNAMES = [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
               ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"), ("Sun", "孙"),
               ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"), ("Lin", "林"), ("He", "何"), ("Guo", "郭"),
               ("Luo", "罗"), ("Liang", "梁"), ("Song", "宋"), ("Zheng", "郑"), ("Xie", "谢"), ("Han", "韩"),
               ("Tang", "唐"), ("Feng", "冯"), ("Dong", "董"), ("Cheng", "程"), ("Cao", "曹"), ("Yuan", "袁"),
               ("Fu", "付"), ("Zeng", "曾"), ("Peng", "彭"), ("Lü", "吕"), ("Su", "苏"), ("Lu", "卢"),
               ("Jiang", "蒋"), ("Cai", "蔡"), ("Jia", "贾"), ("Ding", "丁"), ("Wei", "魏"), ("Xue", "薛"),
               ("Ye", "叶"), ("Pan", "潘"), ("Du", "杜"), ("Dai", "戴"), ("Xia", "夏"), ("Zhong", "钟"),
               ("Tian", "田"), ("Ren", "任"), ("Fan", "范"), ("Fang", "方"), ("Shi", "石"), ("Yao", "姚"),
               ("Liao", "廖"), ("Zou", "邹"), ("Xiong", "熊"), ("Jin", "金"), ("Hao", "郝"), ("Kong", "孔"),
               ("Cui", "崔"), ("Kang", "康"), ("Qiu", "邱"), ("Gu", "顾"), ("Hou", "侯"), ("Shao", "邵"),
               ("Duan", "段"), ("Qian", "钱"), ("Yin", "尹"), ("Chang", "常"), ("Lai", "赖"), ("Wen", "文")]
CN_GIVEN = [("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"), ("Jun", "军"),
            ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"), ("Xiuying", "秀英"), ("Hua", "华"),
            ("Ping", "平"), ("Gang", "刚"), ("Hui", "辉"), ("Xiaoming", "晓明"), ("Haiyan", "海燕"),
            ("Jianhua", "建华"), ("Yan", "燕"), ("Qiang", "强"), ("Lin", "琳"), ("Xin", "欣"), ("Yu", "宇"),
            ("Kai", "凯"), ("Peng", "鹏"), ("Rui", "睿"), ("Jia", "佳"), ("Ting", "婷"), ("Dan", "丹"),
            ("Xiaoyu", "晓宇"), ("Wenjie", "文杰"), ("Zhihao", "志豪"), ("Yuting", "雨婷"), ("Zihan", "子涵"),
            ("Haoran", "浩然"), ("Jiayi", "佳怡"), ("Mingyu", "明宇"), ("Shuo", "硕"), ("Lu", "璐"),
            ("Qian", "倩"), ("Xue", "雪"), ("Bo", "博"), ("Dong", "东"), ("Feng", "峰"), ("Hong", "红"),
            ("Mei", "梅"), ("Chen", "晨"), ("Xiang", "翔"), ("Liang", "亮"), ("Jiahui", "佳慧"),
            ("Guohua", "国华"), ("Jianjun", "建军"), ("Hongmei", "红梅"), ("Guiying", "桂英"),
            ("Yuhang", "宇航"), ("Zhenyu", "振宇"), ("Tianyi", "天翼"), ("Junjie", "俊杰"), ("Yifan", "一帆"),
            ("Xinyi", "欣怡"), ("Mengyao", "梦瑶"), ("Haoyu", "浩宇"), ("Shulan", "淑兰"), ("Zhiwei", "志伟")]
DE_FIRST = ["Jürgen", "Katrin", "Thomas", "Anja", "Michael", "Stefanie", "Florian", "Birgit", "Lukas",
            "Andrea", "Sebastian", "Claudia", "Maximilian", "Sandra", "Björn", "Julia", "Ralf", "Nicole",
            "Tobias", "Petra", "Dominik", "Franziska"]
DE_LAST = ["Müller", "Schmid", "Schneider", "Fischer", "Bauer", "Wagner", "Becker", "Schulz", "Huber",
           "Zimmermann", "Köhler", "Lang", "Wolf", "Schäfer", "Hofmann", "Brunner", "Lechner", "Maier",
           "Vogel", "Graf", "Seidl", "Ostermeier"]
SG_NAMES = ["Tan Wei Ming", "Lim Hui Shan", "Ng Kok Leong", "Chua Siew Ling", "Goh Jun Hao", "Nur Aisyah Rahman",
            "Muhammad Faizal", "Kavitha Subramaniam", "Arjun Pillai", "Wong Mei Xin", "Lee Chee Keong",
            "Siti Mariam Yusof", "Daniel Teo", "Vanessa Ong", "Rajesh Nair", "Koh Li Ting", "Sean Lau",
            "Farah Idris"]
FR_FIRST = ["Hélène", "Benoît", "Céline", "Jérôme", "Amélie", "Mathieu", "Sandrine", "Loïc", "Camille",
            "Thierry", "Émilie", "Grégoire"]
FR_LAST = ["Lefèvre", "Moreau", "Girardot", "Rousseau", "Mercier", "Faure", "Chevalier", "Bérard", "Perrin",
           "Gauthier", "Roux", "Fontaine"]
JP_NAMES = [("Suzuki Takeshi", "鈴木健"), ("Watanabe Yuko", "渡辺裕子"), ("Ito Daisuke", "伊藤大輔"),
            ("Nakamura Aya", "中村彩"), ("Kobayashi Ryo", "小林亮"), ("Kato Mariko", "加藤真理子"),
            ("Yoshida Shota", "吉田翔太"), ("Yamada Naoki", "山田直樹"), ("Sasaki Emi", "佐々木恵美"),
            ("Matsumoto Kenta", "松本健太")]

# ---------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------


@dataclass
class Data:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in COLUMNS})
    pos: dict[tuple[str, str], str] = field(default_factory=dict)  # (account, key) -> person id
    # (account, key) -> (decision role, attitude, influence, manager key, since), in id order
    meta: dict[tuple[str, str], tuple] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def add(self, entity: str, **row) -> None:
        unknown = set(row) - set(COLUMNS[entity])
        assert not unknown, (entity, unknown)
        self.rows[entity].append(row)

    def p(self, account: str, key: str) -> str:
        return self.pos[(account, key)]


def ascii_slug(text: str) -> str:
    """``"Zhou Jianguo 周建国"`` -> ``"zhou.jianguo"`` (for invented e-mail addresses)."""
    latin = "".join(ch for ch in text if ord(ch) < 0x2E80)
    latin = latin.replace("Dr. ", "").replace("Prof. ", "").replace("ü", "ue").replace("ö", "oe")
    latin = latin.replace("ä", "ae").replace("ß", "ss").replace("Ü", "Ue").replace("Ö", "Oe")
    latin = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return ".".join(w.lower().strip(".-'") for w in latin.split() if w.strip(".-'"))


def draw_name(rng: random.Random, locale: str, taken: set[str]) -> tuple[str, str]:
    """A name from the locale's pool that is not used yet, and its romanization.

    A quarter of Chinese names are written in characters only (as many CRMs hold them);
    their e-mail address still uses the pinyin.
    """
    for _ in range(1000):
        latin = ""
        if locale == "cn":
            (sp, sh), (gp, gh) = rng.choice(CN_SURNAMES), rng.choice(CN_GIVEN)
            form = rng.random()
            name = f"{sh}{gh}" if form < 0.25 else f"{sp} {gp} {sh}{gh}"
            latin = f"{sp} {gp}"
        elif locale == "de":
            name = f"{rng.choice(DE_FIRST)} {rng.choice(DE_LAST)}"
        elif locale == "sg":
            name = rng.choice(SG_NAMES)
        elif locale == "fr":
            name = f"{rng.choice(FR_FIRST)} {rng.choice(FR_LAST)}"
        else:
            latin, kanji = rng.choice(JP_NAMES)
            name = f"{latin} {kanji}"
        if name not in taken:
            taken.add(name)
            return name, latin or name
    raise RuntimeError(f"name pool {locale} exhausted")


def phone(rng: random.Random, country: str) -> str:
    prefix = {"CN": "+86 13", "DE": "+49 151", "SG": "+65 9", "FR": "+33 6", "JP": "+81 90"}[country]
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    return f"{prefix}{digits[0]} {digits[1:4]} {digits[4:]}"


def build_people(rng: random.Random, data: Data) -> None:
    for oid, name, kind, city, country in ORGANIZATIONS:
        data.add("organizations", id=oid, name=name, kind=kind, city=city, country=country)

    for pid, name, title, level, city, country, notes in INTERNAL:
        data.names.add(name)
        data.add("people", id=pid, name=name, side="internal", title=title, level=level,
                 email=f"{ascii_slug(name)}@lumenta-demo.example", phone=phone(rng, country),
                 city=city, country=country, notes=notes)
        data.add("employment", person_id=pid, org_id=OUR_ORG, title=title, team_role="",
                 since=str(D("2012-03-01") + timedelta(days=rng.randrange(0, 4000))), until="")

    for pid, name, title, level, org, city, country, notes in EXTERNAL:
        data.names.add(name)
        data.add("people", id=pid, name=name, side="external", title=title, level=level,
                 email="" if rng.random() < 0.4 else f"{ascii_slug(name)}@mail.example",
                 phone=phone(rng, country), city=city, country=country, notes=notes)
        if org:
            data.add("employment", person_id=pid, org_id=org, title=title, team_role="",
                     since=str(D("2008-01-01") + timedelta(days=rng.randrange(0, 5000))), until="")

    n = 0
    for acc in ACCOUNTS:
        data.add("accounts", id=acc.id, name=acc.name, industry=acc.industry, region=acc.region, city=acc.city,
                 country=acc.country, tier=acc.tier, problem="true" if acc.problem else "false",
                 owner_id=acc.team["ar"], revenue=f"{acc.revenue:.0f}", gross_margin=f"{acc.gross_margin:g}",
                 collection_rate=f"{acc.collection_rate:g}", on_time_payment=f"{acc.on_time_payment:g}",
                 growth=f"{acc.growth:g}", industry_influence=str(acc.industry_influence),
                 strategic_fit=str(acc.strategic_fit))
        for role, pid in acc.team.items():
            data.add("employment", person_id=pid, org_id=acc.id, title="", team_role=role,
                     since=str(D("2023-01-01") + timedelta(days=rng.randrange(0, 700))), until="")

        overrides = ROSTER_OVERRIDES.get(acc.id, {})
        template = TEMPLATES[acc.template][:ROSTER_SIZES[acc.template]] + list(overrides.get("extra", []))
        keys = [t[0] for t in template]
        for key, title, level, role, influence, manager in template:
            o = overrides.get(key, {})
            n += 1
            pid = f"C-{n:03d}"
            data.pos[(acc.id, key)] = pid
            name, latin = (o["name"], o["name"]) if "name" in o else draw_name(rng, acc.locale, data.names)
            data.names.add(name)
            title = o.get("title", title)
            data.add("people", id=pid, name=name, side="customer", title=title, level=o.get("level", level),
                     email="" if rng.random() < 0.1 else f"{ascii_slug(latin)}@{acc.domain}",
                     phone="" if rng.random() < 0.3 else phone(rng, acc.country),
                     city=acc.city, country=acc.country, notes=o.get("notes", ""))
            since = o.get("since") or str(D("2009-01-01") + timedelta(days=rng.randrange(0, 5600)))
            data.add("employment", person_id=pid, org_id=acc.id, title=title, team_role="", since=since,
                     until="")
            manager = o.get("manager", manager)
            if manager is not None:
                assert manager in keys, (acc.id, key, manager)
            o_role = o["role"] if "role" in o else role
            o_influence = o.get("influence", influence)
            attitude = o.get("attitude") or rng.choices(
                ["champion", "supporter", "neutral", "skeptic"], weights=[1, 4, 4, 2])[0]
            data.meta[(acc.id, key)] = (o_role, attitude, o_influence, manager, since)
    # reporting lines, once every id of the account exists
    for (acc_id, key), (_role, _att, _inf, manager, _since) in data.meta.items():
        if manager is not None:
            data.add("reports_to", person_id=data.p(acc_id, key), manager_id=data.p(acc_id, manager))


def build_assessments(rng: random.Random, data: Data) -> None:
    """Dated assessments: an account plan in 2025, a review in late 2025, another in mid 2026.

    Most contacts keep their attitude; the changes are the deliberate ones below plus a few
    random drifts, so the history view has something true to show.
    """
    changes = {  # (account, key) -> [(date, attitude, source)]
        ("A-03", "proc_dir"): [("2025-11-20", "supporter", "QBR debrief"),
                               ("2026-06-18", "skeptic", "QBR debrief: a competitor quoted 18% below us")],
        ("A-03", "cto"): [("2025-10-20", "champion", "MES go-live review")],
        ("A-02", "cto"): [("2026-02-10", "supporter", "after the Augsburg pilot")],
        ("A-05", "cfo"): [("2026-07-02", "neutral", "budget freeze announced")],
        ("A-09", "vp"): [("2026-03-16", "supporter", "service escalation resolved")],
        ("A-07", "cto"): [("2026-06-25", "skeptic", "delayed delivery of the welding cells")],
    }
    initial = {  # first assessed attitude where it differs from the current one
        ("A-03", "proc_dir"): "supporter",
        ("A-03", "cto"): "supporter",
        ("A-02", "cto"): "neutral",
        ("A-05", "cfo"): "supporter",
        ("A-09", "vp"): "skeptic",
        ("A-07", "cto"): "supporter",
    }
    for acc in ACCOUNTS:
        plan_day = D("2025-05-12") + timedelta(days=rng.randrange(0, 20))
        review_day = D("2025-11-24") + timedelta(days=rng.randrange(0, 14))
        ar = acc.team["ar"]
        for (a, key), (role, attitude, influence, _manager, since) in data.meta.items():
            if a != acc.id:
                continue
            pid = data.p(acc.id, key)
            if role is None and not (acc.id == "A-12" and key == "boss"):
                continue
            # someone who joined recently is first assessed after a first meeting
            first = max(plan_day, D(since) + timedelta(days=38))
            if acc.id == "A-12" and key == "boss":
                # we have never worked out who decides at this account
                data.add("assessments", person_id=pid, account_id=acc.id, assessed_on=str(first),
                         decision_role="", attitude="neutral", influence="", assessed_by=ar,
                         source="account plan FY2025")
                continue
            hist = changes.get((acc.id, key), [])
            first_att = initial.get((acc.id, key), attitude)
            data.add("assessments", person_id=pid, account_id=acc.id, assessed_on=str(first),
                     decision_role=role, attitude=first_att, influence=str(influence), assessed_by=ar,
                     source="account plan FY2025" if first == plan_day else "first meeting")
            for day, att, source in hist:
                data.add("assessments", person_id=pid, account_id=acc.id, assessed_on=day,
                         decision_role="", attitude=att, influence="", assessed_by=ar, source=source)
            if not hist and role != "decision_maker" and first < review_day and rng.random() < 0.35:
                # the year-end review confirms the picture (sometimes with a new influence);
                # a decision-maker's influence stays 5
                new_inf = min(5, max(1, influence + rng.choice([0, 0, 1, -1])))
                data.add("assessments", person_id=pid, account_id=acc.id, assessed_on=str(review_day),
                         decision_role=role, attitude=first_att, influence=str(new_inf), assessed_by=ar,
                         source="year-end account review")
    # re-state the template influence of story people in a 2026 review so "current" is exact
    for acc_id, key in [("A-02", "cfo"), ("A-07", "office"), ("A-01", "chair"), ("A-06", "chair"),
                        ("A-03", "cto")]:
        role, attitude, influence, _m, _s = data.meta[(acc_id, key)]
        acc = next(a for a in ACCOUNTS if a.id == acc_id)
        data.add("assessments", person_id=data.p(acc_id, key), account_id=acc_id, assessed_on="2026-05-20",
                 decision_role=role, attitude=attitude, influence=str(influence), assessed_by=acc.team["ar"],
                 source="mid-year account review 2026")


# ---------------------------------------------------------------------------------------
# Interactions
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A recurring touchpoint: who meets whom, how often, in which forms, between two dates."""

    account: str | None
    internal: tuple[str, ...]  # internal ids, always present
    contacts: tuple[str, ...]  # position keys of the account (or person ids), always present
    every: int  # days between touchpoints (jittered by +-20%)
    kinds: str  # "meeting:2,call:1"
    subject: str
    start: str = "2025-05-01"
    end: str = "2026-11-14"
    optional: tuple[str, ...] = ()  # present with probability p_optional each time
    p_optional: float = 0.5
    opportunity: str | None = None


def _kind_cycle(spec: str) -> list[str]:
    """``"meeting:2,call:1"`` -> ``["meeting", "call", "meeting"]``: the kinds, spread evenly.

    A fixed rotation (entered at a random point) rather than a random draw per touchpoint,
    so a steady relationship looks steady instead of flickering between meals and e-mails.
    """
    pairs = [(k, int(w)) for k, w in (x.split(":") for x in spec.split(","))]
    total = sum(w for _, w in pairs)
    slots = sorted((i * total / w + total / (2 * w), n, k) for n, (k, w) in enumerate(pairs) for i in range(w))
    return [k for _, _, k in slots]


def _workday(d: date) -> date:
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


SUBJECTS = {
    "visit": "{s}: on-site visit", "meeting": "{s}", "meal": "{s}: dinner", "call": "{s}: call",
    "email": "{s}: follow-up", "event": "{s}",
}


def account_plan() -> list[Series]:
    """Every recurring touchpoint of the 18 months, account by account.

    Story constraints (see README): Zhou Jianguo (A-01 chair), Shen Guoliang (A-06 chair)
    and Dr. Stefan Krüger (A-02 CFO) appear in no series; Fang Zhiyuan's (A-03 CTO) series
    end in April 2026; at A-04 only the AR holds frequent touchpoints; at A-11 the
    president was last met in August 2025.
    """
    S = Series
    plan = [
        # A-01 Lanxin (diamond, Shanghai): everyone but the chairman is well covered
        S("A-01", ("S-01", "S-03"), ("gm",), 38, "visit:1", "Executive visit", optional=("cfo",)),
        S("A-01", ("S-01",), ("gm",), 100, "meal:1", "Dinner with the president"),
        S("A-01", ("S-03",), ("gm",), 40, "meal:2,meeting:2,call:1", "Account review"),
        S("A-01", ("S-03",), ("cfo",), 40, "meeting:2,meal:1,call:1", "Commercial terms"),
        S("A-01", ("S-03",), ("vp",), 45, "meeting:2,meal:1", "Fab 3 planning", opportunity="OP-01"),
        S("A-01", ("S-03",), ("asst",), 30, "call:2,meal:1,email:1", "Catch-up"),
        S("A-01", ("S-03",), ("proc_dir",), 30, "meeting:2,email:2,call:1", "Procurement alignment",
          optional=("proc_mgr",)),
        S("A-01", ("S-07",), ("cto", "it_dir"), 30, "meeting:3,call:1,email:1", "Architecture workshop",
          optional=("rd_dir", "it_mgr", "eng_dir"), opportunity="OP-01"),
        S("A-01", ("S-21",), ("plant_dir", "prod_mgr"), 21, "meeting:2,email:2,call:1", "Delivery review",
          optional=("qa_mgr", "eng1", "eng2")),
        S("A-01", ("S-03", "S-07", "S-21"), ("gm", "cfo", "cto", "vp"), 91, "meeting:1",
          "Quarterly business review", optional=("proc_dir", "S-01"), p_optional=0.5),
        # A-02 Bayern Präzisionswerke (diamond, Munich): the CFO stays out of reach
        S("A-02", ("S-02", "S-06"), ("ceo",), 60, "visit:3,meal:2", "Executive visit", optional=("coo",)),
        S("A-02", ("S-06",), ("coo",), 40, "meeting:2,meal:1,call:1", "Account review"),
        S("A-02", ("S-06",), ("automation",), 25, "meeting:2,call:2,meal:1", "Automation roadmap",
          opportunity="OP-02"),
        S("A-02", ("S-06",), ("proc_head",), 35, "meeting:2,email:2", "Procurement alignment",
          optional=("buyer",)),
        S("A-02", ("S-17",), ("cto", "eng_dir"), 30, "meeting:3,call:1,email:1", "Engineering workshop",
          optional=("it_head", "ctrl1", "ctrl2", "proj")),
        S("A-02", ("S-08",), ("plant", "prodm"), 21, "meeting:2,email:2,call:1", "Delivery review",
          optional=("maint", "qm")),
        S("A-02", ("S-06", "S-17", "S-08"), ("coo", "cto", "proc_head"), 91, "meeting:1",
          "Quarterly business review", optional=("automation", "S-02")),
        S("A-02", ("S-01", "S-06"), ("ceo",), 180, "visit:1", "CEO visit", start="2025-06-01"),
        # A-03 Pengcheng (diamond, Shenzhen): healthy at the top; the CTO goes quiet in April 2026
        S("A-03", ("S-01", "S-04"), ("chair",), 38, "visit:1", "Executive visit", optional=("gm",)),
        S("A-03", ("S-01",), ("chair",), 90, "meal:1", "Dinner with the chairman"),
        S("A-03", ("S-04",), ("gm",), 40, "meeting:2,meal:2,call:1", "Account review"),
        S("A-03", ("S-04",), ("cfo",), 45, "meeting:2,call:1", "Commercial terms"),
        S("A-03", ("S-04",), ("cto",), 28, "meal:2,meeting:2,call:1", "Dongguan expansion", end="2026-04-10",
          opportunity="OP-04"),
        S("A-03", ("S-18",), ("cto", "it_dir"), 30, "meeting:3,call:1,email:1", "MES roll-out",
          end="2026-04-10", optional=("rd_dir", "it_mgr")),
        S("A-03", ("S-18",), ("it_dir",), 30, "meeting:2,call:2,email:1", "MES operations",
          start="2026-04-11", optional=("it_mgr", "eng_dir")),
        S("A-03", ("S-04",), ("proc_dir",), 30, "meeting:2,email:2,call:1", "Procurement alignment",
          optional=("proc_mgr",)),
        S("A-03", ("S-04",), ("asst",), 35, "call:2,meal:1", "Catch-up"),
        S("A-03", ("S-22",), ("plant_dir", "prod_mgr"), 21, "meeting:2,email:2,call:1", "Delivery review",
          optional=("qa_mgr", "eng1", "eng_dir")),
        S("A-03", ("S-04", "S-18", "S-22"), ("gm", "cfo", "vp"), 91, "meeting:1", "Quarterly business review",
          optional=("proc_dir", "S-01")),
        # A-04 Jingwei (gold, Beijing): single-threaded through the AR, Yin Hao
        S("A-04", ("S-09",), ("chair",), 45, "meal:2,meeting:2,visit:1", "Relationship meeting"),
        S("A-04", ("S-09",), ("vp",), 35, "meeting:2,meal:1,call:1", "Account review"),
        S("A-04", ("S-09",), ("fin",), 40, "meeting:2,call:1", "Commercial terms"),
        S("A-04", ("S-09",), ("cto",), 30, "meeting:2,call:1,meal:1", "Robot cell project",
          opportunity="OP-03"),
        S("A-04", ("S-09",), ("plant",), 30, "meeting:2,call:1", "Site coordination", optional=("prod",)),
        S("A-04", ("S-09",), ("proc",), 30, "meeting:1,email:2,call:1", "Procurement", optional=("buyer",)),
        S("A-04", ("S-09",), ("asst",), 30, "call:2,meal:1", "Catch-up"),
        S("A-04", ("S-19",), ("it",), 30, "call:2,meeting:1,email:1", "Controls integration",
          optional=("eq",)),
        S("A-04", ("S-19",), ("cto",), 75, "email:1", "Technical documentation"),
        S("A-04", ("S-23",), ("plant",), 70, "email:2,call:1", "Delivery status"),
        # A-05 Straits Precision (gold, Singapore)
        S("A-05", ("S-02", "S-10"), ("md",), 75, "visit:3,meal:2", "Executive visit", optional=("coo",)),
        S("A-05", ("S-10",), ("md",), 45, "meal:1,meeting:2,call:1", "Account review"),
        S("A-05", ("S-10",), ("coo",), 35, "meeting:2,call:1", "Operations review"),
        S("A-05", ("S-10",), ("cfo",), 50, "meeting:1,call:1,email:1", "Commercial terms"),
        S("A-05", ("S-10",), ("proc_mgr",), 30, "meeting:1,email:2", "Procurement", optional=("buyer",)),
        S("A-05", ("S-17",), ("eng_head", "coach"), 30, "meeting:2,call:2,email:1", "Engineering workshop",
          optional=("eng", "it_mgr"), opportunity="OP-05"),
        S("A-05", ("S-21",), ("plant", "ops_dir"), 28, "meeting:2,email:2,call:1", "Delivery review",
          optional=("prod", "qa")),
        S("A-05", ("S-10", "S-17", "S-21"), ("coo", "cfo", "eng_head"), 91, "meeting:1",
          "Quarterly business review", optional=("md", "S-02")),
        # A-06 Tianmu (gold, Hangzhou): the chairman is met by nobody
        S("A-06", ("S-11",), ("vp",), 35, "meeting:2,meal:2,call:1", "Account review"),
        S("A-06", ("S-11",), ("fin",), 45, "meeting:2,call:1", "Commercial terms"),
        S("A-06", ("S-11",), ("asst",), 30, "call:2,meal:1", "Catch-up"),
        S("A-06", ("S-11",), ("proc",), 30, "meeting:1,email:2,call:1", "Procurement", optional=("buyer",)),
        S("A-06", ("S-20",), ("cto", "it"), 30, "meeting:2,call:2,email:1", "Line retrofit engineering",
          optional=("eq", "eng1"), opportunity="OP-06"),
        S("A-06", ("S-22",), ("plant", "prod"), 25, "meeting:2,email:2,call:1", "Delivery review",
          optional=("qa",)),
        S("A-06", ("S-11", "S-20", "S-22"), ("vp", "fin", "cto"), 91, "meeting:1", "Quarterly business review",
          optional=("S-03",)),
        # A-07 Jinsha (gold, Chengdu): no FR; the SR also runs delivery
        S("A-07", ("S-12",), ("chair",), 50, "meal:2,meeting:2", "Relationship meeting", optional=("office",)),
        S("A-07", ("S-12",), ("office",), 35, "meal:1,call:2,meeting:1", "Catch-up"),
        S("A-07", ("S-12",), ("vp",), 40, "meeting:2,call:1", "Account review"),
        S("A-07", ("S-12",), ("proc",), 30, "meeting:1,email:2", "Procurement", optional=("buyer",)),
        S("A-07", ("S-19",), ("cto", "it"), 30, "meeting:2,call:2,email:1", "Welding cell engineering",
          optional=("eq", "eng1")),
        S("A-07", ("S-19",), ("plant", "prod"), 30, "meeting:1,email:2,call:1", "Installation status",
          optional=("qa",)),
        S("A-07", ("S-02", "S-12"), ("chair",), 180, "visit:1", "Executive visit", start="2025-07-01"),
        # A-08 Rhône Médical (silver, Lyon)
        S("A-08", ("S-13",), ("pdg",), 45, "meeting:2,meal:2", "Account review"),
        S("A-08", ("S-13",), ("daf", "achats"), 45, "meeting:2,email:1", "Commercial terms"),
        S("A-08", ("S-24",), ("dt", "methodes"), 30, "meeting:2,call:1,email:1", "Application support",
          optional=("maint", "it")),
        S("A-08", ("S-06", "S-13"), ("pdg", "daf"), 120, "visit:1", "Regional director visit"),
        # A-09 Jincheng (silver, Suzhou)
        S("A-09", ("S-14",), ("boss",), 45, "meal:2,meeting:2", "Account review"),
        S("A-09", ("S-14",), ("vp", "proc"), 40, "meeting:2,email:1", "Commercial terms", optional=("fin",)),
        S("A-09", ("S-20",), ("tech",), 40, "meeting:2,call:1", "Engineering", optional=("eng", "pm")),
        S("A-09", ("S-23",), ("prod",), 45, "email:2,call:1", "Delivery status", optional=("eq",)),
        # A-10 Haiyun (silver, Qingdao)
        S("A-10", ("S-15",), ("boss",), 50, "meeting:2,meal:1", "Account review"),
        S("A-10", ("S-15",), ("proc", "fin"), 40, "meeting:1,email:2", "Commercial terms"),
        S("A-10", ("S-25",), ("tech", "eq"), 35, "meeting:1,call:2", "Service", optional=("eng", "prod")),
        # a dormant relationship: Qiao Lin met the VP only for a project in summer 2025
        S("A-10", ("S-15",), ("vp",), 60, "meeting:1,call:1", "Cold-store project", end="2025-09-30"),
        # A-11 Naniwa Seiki (silver, Osaka): the president was last met in August 2025
        S("A-11", ("S-16",), ("pres",), 40, "visit:1,meeting:2", "Account review", end="2025-08-31"),
        S("A-11", ("S-16",), ("proc", "mfg"), 40, "meeting:2,email:1", "Commercial terms"),
        S("A-11", ("S-18",), ("pe",), 40, "meeting:1,call:2,email:1", "Engineering", optional=("eng1", "eng2")),
        # A-12 Lingnan (silver, Guangzhou, problem account): collections, not relationships
        S("A-12", ("S-14",), ("fin",), 30, "call:2,email:2,meeting:1", "Overdue invoices"),
        S("A-12", ("S-14",), ("vp", "proc"), 60, "meeting:1,email:1", "Commercial terms"),
        S("A-12", ("S-25",), ("prod", "eq"), 45, "call:1,email:1", "Service tickets"),
    ]
    return plan


@dataclass(frozen=True)
class Single:
    """One hand-written interaction."""

    date: str
    kind: str
    account: str | None
    attendees: tuple[str, ...]  # person ids, or "A-xx:key" position references
    subject: str
    opportunity: str | None = None
    notes: str = ""


def single_interactions() -> list[Single]:
    """The dated touchpoints the stories need, written out one by one."""
    X = Single
    return [
        # story (a): the chairman of Lanxin has met our people once, at a supplier day
        X("2025-12-05", "event", "A-01", ("S-03", "S-07", "A-01:chair", "A-01:gm", "A-01:cto", "A-01:proc_dir"),
          "Lanxin supplier day 2025", notes="Chairman Zhou opened the day; no private conversation."),
        # story (a): the CEO and his EMBA classmate Sun Lihua
        X("2026-07-18", "meal", None, ("S-01", "X-01"), "Dinner with Sun Lihua"),
        X("2026-09-12", "event", None, ("S-01", "X-01", "X-16"), "EMBA 2019 class reunion",
          notes="Sun Lihua offered to introduce Chen Hao to Zhou Jianguo."),
        X("2026-10-30", "meal", None, ("S-01", "X-01"), "Lunch with Sun Lihua"),
        X("2026-03-18", "meeting", None, ("S-01", "X-03"), "Standards consultation: motion-safety norms"),
        # story (c): the last meeting with Fang Zhiyuan before he went quiet
        X("2026-04-14", "meeting", "A-03", ("S-04", "S-18", "A-03:cto"), "Dongguan expansion: technical review",
          opportunity="OP-04", notes="Fang asked for a revised proposal; no reply since."),
        # story: the new CIO at Straits Precision
        X("2026-09-08", "meeting", "A-05", ("S-10", "S-17", "A-05:cio"), "Introduction meeting with the new CIO",
          opportunity="OP-05"),
        X("2026-09-24", "call", "A-05", ("S-17", "A-05:cio"), "MES integration questions"),
        X("2026-10-15", "meeting", "A-05", ("S-17", "A-05:cio", "A-05:it_mgr"), "Integration architecture",
          opportunity="OP-05"),
        X("2026-11-05", "meal", "A-05", ("S-10", "A-05:cio"), "Lunch with Priya Raman"),
        X("2026-11-14", "email", "A-05", ("S-10", "S-17", "A-05:md", "A-05:coo", "A-05:cio"),
          "Tuas cleanroom line: revised proposal", opportunity="OP-05", notes="Sent on a Saturday to make the Monday board."),
        # connectors
        X("2025-09-20", "meal", None, ("S-02", "X-04"), "Golf and dinner"),
        X("2026-05-09", "meal", None, ("S-02", "X-04"), "Golf and dinner"),
        X("2026-06-11", "meeting", None, ("S-02", "X-02", "X-19"), "Association council: standards working group"),
        X("2026-03-26", "event", None, ("S-02", "X-02", "X-19", "A-04:chair", "A-09:boss"),
          "Association annual meeting 2026"),
        X("2025-10-09", "meal", None, ("S-06", "X-05"), "Dinner with Andreas Vogt"),
        X("2026-02-12", "meeting", None, ("S-06", "X-06", "A-02:automation"), "Verband working group: drive safety"),
        X("2025-11-02", "meal", None, ("S-05", "X-09"), "Dinner with Wei Dongsheng"),
        X("2026-08-22", "meal", None, ("S-04", "X-08"), "Family dinner"),
        X("2026-01-15", "meeting", None, ("S-10", "X-07", "X-17"), "Chamber breakfast: Jurong incentives"),
        X("2026-10-08", "call", None, ("S-10", "X-15"), "Call with Pan Yiwen"),
        X("2026-04-22", "meeting", None, ("S-07", "X-10"), "Guest lecture at Jiangnan Polytechnic"),
        X("2026-05-27", "meeting", None, ("S-14", "X-12"), "Supply-chain finance briefing"),
        X("2026-06-05", "meal", None, ("S-13", "X-13"), "Lunch with Sophie Laurent"),
        X("2026-02-26", "meeting", None, ("S-16", "X-14"), "Kansai market briefing"),
        X("2025-12-10", "meeting", None, ("S-02", "X-18"), "Interview for China Automation Weekly"),
        X("2026-09-30", "meal", None, ("S-01", "X-20"), "Dinner with Peter Walsh"),
        X("2026-04-21", "meeting", None, ("S-06", "X-11", "A-02:eng_dir"), "Partner integration review",
          opportunity="OP-02"),
    ]


def big_events() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Customer summits and trade fairs: (date, subject, kind, attendee refs)."""
    return [
        ("2025-11-20", "Lumenta Smart Factory Summit 2025, Suzhou", "event",
         ("S-01", "S-02", "S-03", "S-04", "S-05", "S-07", "S-08", "S-11", "S-14",
          "A-01:cto", "A-01:vp", "A-03:chair", "A-03:cto", "A-03:it_dir", "A-04:cto", "A-06:vp", "A-06:cto",
          "A-07:cto", "A-09:boss", "A-09:tech", "A-10:boss", "A-12:vp", "X-02", "X-10", "X-18")),
        ("2026-04-21", "Hannover Messe 2026: Lumenta booth", "event",
         ("S-02", "S-06", "S-17", "S-13", "A-02:cto", "A-02:eng_dir", "A-02:automation", "A-08:dt",
          "A-08:methodes", "X-06", "X-11")),
        ("2026-10-22", "Lumenta Smart Factory Summit 2026, Suzhou", "event",
         ("S-01", "S-02", "S-03", "S-04", "S-05", "S-07", "S-08", "S-12", "S-15", "S-20",
          "A-01:gm", "A-01:it_dir", "A-03:gm", "A-03:it_dir", "A-05:eng_head", "A-06:cto", "A-07:office",
          "A-07:cto", "A-09:tech", "A-10:tech", "A-11:pe", "X-02", "X-10", "X-18", "X-19")),
    ]


def resolve(data: Data, ref: str, account: str | None) -> str:
    if ref[:2] in ("S-", "X-", "C-"):
        return ref
    if ":" in ref:
        acc, key = ref.split(":")
        return data.p(acc, key)
    assert account is not None, ref
    return data.p(account, ref)


def build_interactions(rng: random.Random, data: Data) -> None:
    raw: list[tuple[date, str, str, str, str, str, tuple[str, ...]]] = []
    span = (END - START).days
    for s in account_plan():
        cycle = _kind_cycle(s.kinds)
        k = rng.randrange(len(cycle))
        lo, hi = max(D(s.start), START), min(D(s.end), END)
        day = lo + timedelta(days=rng.randrange(0, max(1, s.every)))
        while day <= hi:
            kind = cycle[k % len(cycle)]
            k += 1
            people = [resolve(data, r, s.account) for r in s.internal + s.contacts]
            people += [resolve(data, r, s.account) for r in s.optional if rng.random() < s.p_optional]
            d = _workday(day)
            if lo <= d <= hi:
                opp = s.opportunity if (s.opportunity and rng.random() < 0.6) else ""
                raw.append((d, kind, s.account or "", opp, SUBJECTS[kind].format(s=s.subject), "",
                            tuple(dict.fromkeys(people))))
            # the business grows: touchpoints get ~25% more frequent over the 18 months
            pace = 1.12 - 0.25 * (day - START).days / span
            day += timedelta(days=max(7, round(s.every * pace * rng.uniform(0.88, 1.12))))
    for x in single_interactions():
        people = tuple(dict.fromkeys(resolve(data, r, x.account) for r in x.attendees))
        raw.append((D(x.date), x.kind, x.account or "", x.opportunity or "", x.subject, x.notes, people))
    for day, subject, kind, refs in big_events():
        people = tuple(dict.fromkeys(resolve(data, r, None) for r in refs))
        raw.append((D(day), kind, "", "", subject, "", people))

    raw.sort(key=lambda r: (r[0], r[2], r[4], r[6]))
    for i, (d, kind, acc, opp, subject, notes, people) in enumerate(raw, start=1):
        iid = f"I-{i:04d}"
        data.add("interactions", id=iid, date=str(d), kind=kind, account_id=acc, opportunity_id=opp,
                 subject=subject, notes=notes)
        for pid in people:
            data.add("attendance", interaction_id=iid, person_id=pid)


# ---------------------------------------------------------------------------------------
# Ties, influence, memberships, opportunities
# ---------------------------------------------------------------------------------------


def build_ties(data: Data) -> None:
    """Declared relationships (KNOWS). Stored with person_id < other_id."""
    P = lambda ref: resolve(data, ref, None)  # noqa: E731
    ties = [
        # (a, b, kind, strength, assessed_on, since, notes)
        ("S-01", "X-01", "classmate", 5, "2026-09-15", "2017-09-01", "EMBA 2019 class, same study group"),
        ("X-01", "A-01:chair", "classmate", 5, "2026-09-15", "2017-09-01",
         "EMBA 2019 classmates; Sun Lihua invested in Lanxin's 2021 round"),
        ("S-01", "X-16", "classmate", 3, "2026-09-15", "2017-09-01", "EMBA 2019 class"),
        ("S-01", "X-03", "official", 3, "2026-03-20", "2022-05-01", "standards committee"),
        ("X-03", "A-01:chair", "official", 3, "2026-01-10", "2020-01-01", "Lanxin is a pilot plant of the bureau"),
        ("S-01", "X-20", "former_colleague", 4, "2026-10-01", "2012-03-01", ""),
        ("X-20", "A-02:ceo", "friend", 3, "2026-06-01", "2015-01-01", "sailing club"),
        ("S-02", "X-02", "business", 4, "2026-06-15", "2019-01-01", "association council"),
        ("S-02", "X-19", "business", 3, "2026-06-15", "2021-01-01", ""),
        ("S-02", "X-04", "friend", 5, "2026-05-10", "2014-01-01", "golf partners"),
        ("X-04", "A-05:md", "friend", 4, "2026-02-01", "2010-01-01", ""),
        ("S-02", "X-18", "business", 2, "2025-12-15", "2020-01-01", ""),
        ("S-06", "X-05", "former_colleague", 4, "2025-10-10", "2009-01-01", "both at a drives maker 2009-2016"),
        ("X-05", "A-02:cfo", "former_colleague", 3, "2025-10-10", "2011-01-01",
         "worked together 2011-2015; still in touch"),
        ("S-06", "X-06", "business", 3, "2026-02-15", "2018-01-01", "Verband working group"),
        ("X-06", "A-02:ceo", "business", 3, "2026-02-15", "2016-01-01", "Verband board"),
        ("S-06", "X-11", "business", 4, "2026-04-25", "2019-01-01", "integration partner"),
        ("S-04", "X-08", "relative", 5, "2026-08-25", "1980-01-01", "cousins"),
        ("X-08", "A-12:boss", "friend", 3, "2026-08-25", "2015-01-01", ""),
        ("S-05", "X-09", "comrade", 5, "2025-11-05", "1996-01-01", "served together"),
        ("X-09", "A-04:chair", "friend", 4, "2025-11-05", "2008-01-01", ""),
        ("S-07", "X-10", "classmate", 4, "2026-04-25", "1998-09-01", "Jiangnan Polytechnic, class of 2002"),
        ("X-10", "A-07:cto", "other", 3, "2026-04-25", "2005-09-01", "his former doctoral adviser"),
        ("S-10", "X-07", "business", 3, "2026-01-20", "2020-01-01", ""),
        ("X-07", "A-05:cfo", "business", 3, "2026-01-20", "2018-01-01", "chamber committee"),
        ("S-10", "X-17", "official", 2, "2026-01-20", "2024-01-01", ""),
        ("S-10", "X-15", "business", 3, "2026-10-10", "2021-01-01", ""),
        ("X-15", "A-05:cio", "business", 4, "2026-08-10", "2019-01-01", "placed her in her new role"),
        ("S-14", "X-12", "business", 3, "2026-05-30", "2022-01-01", ""),
        ("X-12", "A-09:boss", "friend", 4, "2026-05-30", "2012-01-01", ""),
        ("S-13", "X-13", "friend", 4, "2026-06-08", "2017-01-01", ""),
        ("X-13", "A-08:pdg", "friend", 3, "2026-06-08", "2010-01-01", ""),
        ("S-16", "X-14", "business", 3, "2026-03-01", "2019-01-01", ""),
        ("X-14", "A-11:pres", "former_colleague", 3, "2026-03-01", "1995-01-01", ""),
        # declared business ties from account plans (our side -> customer contacts)
        ("S-01", "A-03:chair", "business", 4, "2026-05-20", "2019-01-01", ""),
        ("S-03", "A-01:gm", "business", 4, "2026-05-20", "2020-01-01", ""),
        ("S-03", "A-01:asst", "friend", 4, "2025-11-28", "2021-01-01", "our coach inside Lanxin"),
        ("S-04", "A-03:cto", "business", 4, "2025-06-20", "2021-01-01", "MES project sponsor"),
        ("S-04", "A-03:gm", "business", 3, "2026-05-20", "2021-01-01", ""),
        ("S-06", "A-02:automation", "business", 4, "2026-05-20", "2020-01-01", ""),
        ("S-06", "A-02:coo", "business", 3, "2026-05-20", "2020-01-01", ""),
        ("S-09", "A-04:chair", "business", 4, "2026-05-20", "2022-01-01", ""),
        ("S-09", "A-04:vp", "business", 4, "2026-05-20", "2022-01-01", ""),
        ("S-09", "A-04:asst", "friend", 4, "2026-05-20", "2022-01-01", ""),
        ("S-10", "A-05:md", "business", 3, "2026-05-20", "2021-01-01", ""),
        ("S-11", "A-06:vp", "business", 4, "2026-05-20", "2022-01-01", ""),
        ("S-12", "A-07:office", "business", 3, "2026-05-20", "2023-01-01", ""),
        ("S-13", "A-08:pdg", "business", 3, "2026-05-20", "2022-01-01", ""),
        ("S-14", "A-09:boss", "business", 3, "2026-05-20", "2021-01-01", ""),
        ("S-17", "A-02:cto", "former_colleague", 3, "2026-02-15", "2014-01-01", ""),
        # customer <-> customer (for colleague and cross-account paths)
        ("A-01:gm", "A-01:cfo", "business", 4, "2026-01-15", "2016-01-01", ""),
        ("A-03:cto", "A-03:it_dir", "business", 4, "2025-10-01", "2018-01-01", ""),
        ("A-02:automation", "A-02:cto", "business", 4, "2026-02-01", "2017-01-01", ""),
        ("A-07:office", "A-07:chair", "business", 5, "2026-05-01", "2012-01-01", "his chief of staff for 14 years"),
        ("A-05:coach", "A-05:eng_head", "business", 4, "2026-03-01", "2019-01-01", ""),
        ("A-08:dt", "A-05:eng_head", "former_colleague", 3, "2026-04-01", "2013-01-01", ""),
        ("A-09:tech", "A-06:cto", "classmate", 3, "2026-01-01", "2004-09-01", "Jiangnan Polytechnic"),
    ]
    seen = set()
    for a, b, kind, strength, assessed, since, notes in ties:
        a, b = P(a), P(b)
        a, b = (a, b) if a < b else (b, a)
        assert (a, b, kind) not in seen, (a, b, kind)
        seen.add((a, b, kind))
        data.add("ties", person_id=a, other_id=b, kind=kind, strength=str(strength), assessed_on=assessed,
                 since=since, notes=notes)


def build_influence(data: Data) -> None:
    """INFLUENCES links inside each account: who sways whose decision."""
    links = {
        # per template: (source key, target key, weight)
        "cn_diamond": [("gm", "chair", 4), ("cfo", "chair", 3), ("cto", "gm", 3), ("vp", "gm", 3),
                       ("proc_dir", "cfo", 3), ("it_dir", "cto", 3), ("eng_dir", "vp", 2), ("asst", "gm", 2),
                       ("rd_dir", "cto", 2), ("qa_mgr", "plant_dir", 2)],
        "de_diamond": [("coo", "ceo", 4), ("cfo", "ceo", 4), ("cto", "ceo", 3), ("automation", "cto", 3),
                       ("eng_dir", "cto", 3), ("proc_head", "cfo", 3), ("plant", "coo", 2), ("qm", "coo", 2)],
        "cn_gold": [("vp", "chair", 3), ("fin", "chair", 3), ("cto", "vp", 3), ("it", "cto", 2),
                    ("proc", "fin", 2), ("asst", "chair", 2), ("plant", "vp", 2)],
        "sg_gold": [("coo", "md", 4), ("cfo", "md", 3), ("eng_head", "coo", 3), ("coach", "eng_head", 3),
                    ("proc_mgr", "cfo", 2), ("it_mgr", "md", 2)],
        "cn_silver": [("vp", "boss", 3), ("fin", "boss", 3), ("tech", "vp", 2), ("proc", "fin", 2)],
        "fr_silver": [("daf", "pdg", 4), ("dt", "pdg", 3), ("achats", "daf", 2), ("qual", "pdg", 2)],
        "jp_silver": [("mfg", "pres", 4), ("proc", "pres", 3), ("pe", "mfg", 3), ("plant", "mfg", 2)],
    }
    extra = {
        "A-05": [("cio", "md", 3), ("it_mgr", "cio", 3)],
        # the hidden influencer: Deng Yue, head of the GM's office (level 3) at Jinsha
        "A-07": [("office", "chair", 5), ("office", "fin", 4), ("office", "vp", 4)],
    }
    for acc in ACCOUNTS:
        rows = {}
        for s, t, w in links[acc.template] + extra.get(acc.id, []):
            if (acc.id, s) in data.pos and (acc.id, t) in data.pos:
                rows[(data.p(acc.id, s), data.p(acc.id, t))] = w
        for (s, t), w in rows.items():
            data.add("influence", source_id=s, target_id=t, weight=str(w))


def build_memberships(data: Data) -> None:
    P = lambda ref: resolve(data, ref, None)  # noqa: E731
    rows = [
        # story (d): Margaret Lin and Shen Guoliang sit in the same industry association
        ("S-02", "O-02", "council member", "2019-04-01"),
        ("A-06:chair", "O-02", "vice-chairman", "2016-04-01"),
        ("X-02", "O-02", "secretary-general", "2015-01-01"),
        ("X-19", "O-02", "deputy secretary-general", "2018-01-01"),
        ("A-04:chair", "O-02", "member", "2020-04-01"),
        ("A-09:boss", "O-02", "member", "2021-04-01"),
        # story (a): the EMBA class
        ("S-01", "O-04", "alumnus", "2017-09-01"),
        ("X-01", "O-04", "alumna", "2017-09-01"),
        ("X-16", "O-04", "alumnus", "2017-09-01"),
        ("A-01:chair", "O-04", "alumnus", "2017-09-01"),
        ("X-03", "O-03", "deputy director-general", "2020-01-01"),
        ("S-06", "O-05", "member", "2018-01-01"),
        ("X-06", "O-05", "president", "2014-01-01"),
        ("A-02:ceo", "O-05", "board member", "2016-01-01"),
        ("A-02:automation", "O-05", "working group chair", "2019-01-01"),
        ("S-07", "O-07", "alumna", "2002-07-01"),
        ("X-10", "O-07", "honorary member", "2005-01-01"),
        ("A-07:cto", "O-07", "alumnus", "2008-07-01"),
        ("A-09:tech", "O-07", "alumnus", "2006-07-01"),
        ("A-06:cto", "O-07", "alumnus", "2006-07-01"),
        ("S-10", "O-08", "member", "2020-01-01"),
        ("X-07", "O-08", "executive director", "2016-01-01"),
        ("A-05:cfo", "O-08", "committee member", "2018-01-01"),
        ("X-11", "O-06", "partner", "2019-01-01"),
    ]
    for p, org, role, since in rows:
        data.add("memberships", person_id=P(p), org_id=org, role=role, since=since)


def build_opportunities(data: Data) -> None:
    opps = [
        ("OP-01", "A-01", "Fab 3 motion-control retrofit 三期产线运动控制改造", "proposal", "open", 38_000_000,
         "2027-03-31",
         [("chair", "decision_maker", "neutral", 5), ("gm", "approver", "supporter", 5),
          ("cto", "technical_evaluator", "", 4), ("proc_dir", "procurement", "", 3), ("asst", "coach", "", 2)]),
        ("OP-02", "A-02", "Line 7 servo upgrade", "negotiation", "open", 12_500_000, "2026-12-20",
         [("ceo", "decision_maker", "neutral", 5), ("cfo", "approver", "opponent", 5),
          ("cto", "technical_evaluator", "supporter", 4), ("automation", "coach", "champion", 3),
          ("proc_head", "procurement", "", 3)]),
        ("OP-03", "A-04", "Robot cell controllers 2026", "qualification", "open", 6_800_000, "2027-02-28",
         [("chair", "decision_maker", "", 5), ("cto", "technical_evaluator", "", 4), ("proc", "procurement", "", 3)]),
        ("OP-04", "A-03", "Dongguan plant expansion 东莞新厂扩建", "proposal", "open", 21_000_000, "2027-01-31",
         [("chair", "decision_maker", "supporter", 5), ("cto", "approver", "champion", 5),
          ("proc_dir", "procurement", "skeptic", 3), ("it_dir", "technical_evaluator", "", 3)]),
        ("OP-05", "A-05", "Tuas cleanroom line automation", "solution design", "open", 9_400_000, "2027-04-30",
         [("md", "decision_maker", "", 5), ("cio", "technical_evaluator", "neutral", 4),
          ("eng_head", "technical_evaluator", "", 4), ("coach", "coach", "champion", 2)]),
        ("OP-06", "A-06", "Carton line retrofit", "closed", "lost", 4_200_000, "2026-03-31",
         [("chair", "decision_maker", "", 5), ("cto", "technical_evaluator", "", 3)]),
        ("OP-07", "A-03", "Shenzhen MES roll-out 深圳MES项目", "closed", "won", 16_000_000, "2025-12-15",
         [("chair", "decision_maker", "supporter", 5), ("cto", "approver", "champion", 5)]),
    ]
    for oid, acc, name, stage, status, amount, close, roles in opps:
        data.add("opportunities", id=oid, account_id=acc, name=name, stage=stage, status=status,
                 amount=f"{amount:.0f}", close_date=close)
        for key, role, attitude, influence in roles:
            data.add("opportunity_roles", person_id=data.p(acc, key), opportunity_id=oid, role=role,
                     attitude=attitude, influence=str(influence))


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def build() -> Data:
    """Every row of the sample, in memory (the one random stream is consumed in this order)."""
    assert START < END < AS_OF  # nothing happens on or after the anchor date
    rng = random.Random(SEED)
    data = Data()
    build_people(rng, data)
    build_assessments(rng, data)
    build_ties(data)
    build_influence(data)
    build_memberships(data)
    build_opportunities(data)
    build_interactions(rng, data)
    return data


def write(data: Data, out: Path) -> list[Path]:
    """Write one CSV per entity (UTF-8, ``\\n`` line ends, rows sorted by the entity key)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for entity, cols in COLUMNS.items():
        rows = sorted(data.rows[entity], key=lambda r: tuple(str(r[k]) for k in KEYS[entity]))
        path = out / f"{entity}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(cols)
            for r in rows:
                w.writerow(["" if r.get(c) is None else r.get(c, "") for c in cols])
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write the CSVs into (default: beside this script)")
    args = parser.parse_args(argv)
    write(build(), args.out)


if __name__ == "__main__":
    main()
