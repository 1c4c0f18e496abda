"""``kamgraph edit``: record what you learn without a spreadsheet.

Each verb is one operation of :mod:`kamgraph.ingest.edit`: validated like an import (the
same messages), written in one transaction, recorded as the OS user with the source
``edit: <operation>``. People and organizations are named by id or by exact name; a name
that several people share is refused with the candidates listed.
"""

from __future__ import annotations

import click

from kamgraph.cli import echo, header, main, open_store, pass_config
from kamgraph.cli.manage import os_user
from kamgraph.config import Config
from kamgraph.i18n import _
from kamgraph.ingest import edit as ops
from kamgraph.model import Attitude, DecisionRole, InteractionKind, Side, TeamRole, TieKind

_DATE = "YYYY-MM-DD"


def _one_of(values, what: str = "") -> str:
    """Help text listing the allowed values (the validator checks them, with the import's messages)."""
    return (what + " " if what else "") + "One of " + ", ".join(values) + "."


def _report(result: ops.EditResult) -> None:
    for w in result.warnings:
        echo(_("warning: {warning}").format(warning=w), err=True)
    for name, value in result.ids.items():
        echo(_("{name}: {value}").format(name=header(name), value=value))
    if result.changed:
        echo(_("{summary}; data version {version}").format(summary=result.summary(), version=result.data_version))
    else:
        echo(_("{summary} (the store already holds this)").format(summary=result.summary()))


@main.group("edit", context_settings={"help_option_names": ["-h", "--help"]})
def edit_group() -> None:
    """Record a change by hand: a person, a job change, an assessment, an interaction, a tie,
    an influence link or a membership.

    \b
    Examples:
      kamgraph edit assess "Jin Tianyi 金天翼" --account A-01 --attitude skeptic --source "dinner"
      kamgraph edit log --kind meal --date 2026-11-20 --with S-03 --with C-003 --account A-01
      kamgraph edit job-change C-003 --to A-04 --on 2026-11-01 --title CFO
      kamgraph edit tie S-03 C-003 --kind friend --strength 4
      kamgraph edit tie S-03 C-003 --kind friend --end

    PERSON and ORG are ids or exact names. Every verb checks its input as an import does
    and writes nothing when something is wrong.
    """


@edit_group.command("person")
@click.argument("person", required=False)
@click.option("--id", "new_id", metavar="ID", help="Id of a new person (default: made from the name).")
@click.option("--name")
@click.option("--side", help=_one_of(Side.values()))
@click.option("--title")
@click.option("--level", metavar="1-5", help="1 = board/CEO .. 5 = staff; '' derives it from the title.")
@click.option("--email")
@click.option("--phone")
@click.option("--city")
@click.option("--country")
@click.option("--notes")
@click.option("--at", "org", metavar="ORG", help="Their employment at this account or organization.")
@click.option("--job-title", help="Title of that employment (default for a new person: --title).")
@click.option("--team-role", help=_one_of(TeamRole.values(), "Internal staff's role on that account."))
@click.option("--since", metavar=_DATE, help="Start of that employment.")
@pass_config
def person_cmd(config: Config, person, new_id, name, side, title, level, email, phone, city, country, notes,
               org, job_title, team_role, since) -> None:
    """Add a person (no PERSON: --name and --side needed) or change one (PERSON: only the
    options given change; '' clears a field)."""
    fields = {"title": title, "level": level, "email": email, "phone": phone, "city": city, "country": country,
              "notes": notes}
    with open_store(config) as store:
        org_id = ops.find_organization(store, org) if org else None
        if person is None:
            if not name or not side:
                raise click.UsageError(_("a new person needs --name and --side (or name an existing PERSON)"))
            result = ops.add_person(store, new_id, name=name, side=side, org_id=org_id, employment_title=job_title,
                                    team_role=team_role, since=since, actor=os_user(), today=config.as_of, **fields)
        else:
            pid = ops.find_person(store, person)
            result = ops.edit_person(store, pid, name=name, side=side, org_id=org_id, employment_title=job_title,
                                     team_role=team_role, since=since, actor=os_user(), today=config.as_of,
                                     **fields)
    _report(result)


@edit_group.command("job-change")
@click.argument("person")
@click.option("--to", "to_org", required=True, metavar="ORG", help="The new account or organization.")
@click.option("--on", "on", required=True, metavar=_DATE, help="The day the old job ends and the new one starts.")
@click.option("--from", "from_org", metavar="ORG", help="The job that ends (default: their one current job).")
@click.option("--title", help="Title of the new job (also the person's title; their level is derived from it).")
@click.option("--team-role", help=_one_of(TeamRole.values()))
@click.option("--level", metavar="1-5")
@click.option("--side", help=_one_of(Side.values(), "E.g. internal when a contact joins us."))
@pass_config
def job_change_cmd(config: Config, person, to_org, on, from_org, title, team_role, level, side) -> None:
    """End PERSON's job (until = --on) and start one at --to (since = --on). The old job and
    the assessments made there stay as history."""
    with open_store(config) as store:
        pid = ops.find_person(store, person)
        result = ops.job_change(store, pid, ops.find_organization(store, to_org), on,
                                from_org=ops.find_organization(store, from_org) if from_org else None,
                                title=title, team_role=team_role, level=level, side=side, actor=os_user(),
                                today=config.as_of)
    _report(result)


@edit_group.command("assess")
@click.argument("person")
@click.option("--account", metavar="ACCOUNT", help="Default: the person's one current account.")
@click.option("--role", "decision_role", help=_one_of(DecisionRole.values(), "Decision role."))
@click.option("--attitude", help=_one_of(Attitude.values()))
@click.option("--influence", metavar="1-5")
@click.option("--on", "assessed_on", metavar=_DATE, help="Date of the assessment (default: the analysis date).")
@click.option("--by", "assessed_by", metavar="PERSON", help="Who assessed (default: the person whose e-mail or "
                                                            "name is the OS user, if any).")
@click.option("--source", help="Where it comes from (default: 'kamgraph edit').")
@pass_config
def assess_cmd(config: Config, person, account, decision_role, attitude, influence, assessed_on, assessed_by,
               source) -> None:
    """Append a dated assessment of PERSON's decision role, attitude and/or influence at an
    account. History is kept; an assessment that changes nothing is not added."""
    with open_store(config) as store:
        pid = ops.find_person(store, person)
        if account:
            account_id = ops.find_organization(store, account)
        else:
            jobs = store.read("employment", "person_id", [pid])
            jobs = jobs[jobs["until"].isna()]
            accounts = sorted(set(jobs["org_id"]) & set(store.read("accounts", "id", list(jobs["org_id"]))["id"]))
            if len(accounts) != 1:
                raise click.UsageError(
                    _("give --account: {person} works at {n} accounts now ({accounts})").format(
                        person=person, n=len(accounts), accounts=", ".join(accounts)) if accounts
                    else _("give --account: {person} works at {n} accounts now").format(person=person, n=0))
            account_id = accounts[0]
        by = ops.find_person(store, assessed_by) if assessed_by else ops.person_for_user(store, os_user())
        result = ops.assess(store, pid, account_id, decision_role=decision_role, attitude=attitude,
                            influence=influence, assessed_on=assessed_on, assessed_by=by,
                            source=source or "kamgraph edit", actor=os_user(), today=config.as_of)
    _report(result)


@edit_group.command("log")
@click.option("--kind", required=True, help=_one_of(InteractionKind.values()))
@click.option("--date", "day", required=True, metavar=_DATE)
@click.option("--with", "attendees", multiple=True, required=True, metavar="PERSON",
              help="An attendee, ours or theirs (repeat for each).")
@click.option("--account", metavar="ACCOUNT", help="Default: the opportunity's account.")
@click.option("--opportunity", metavar="ID")
@click.option("--subject")
@click.option("--notes")
@pass_config
def log_cmd(config: Config, kind, day, attendees, account, opportunity, subject, notes) -> None:
    """Log an interaction (visit, meeting, meal, call, email, event) and who attended.
    Logging the same interaction twice stores it once."""
    with open_store(config) as store:
        people = [ops.find_person(store, a) for a in attendees]
        account_id = ops.find_organization(store, account) if account else None
        result = ops.log_interaction(store, kind=kind, date=day, attendees=people, account_id=account_id,
                                     opportunity_id=opportunity, subject=subject, notes=notes, actor=os_user())
    _report(result)


@edit_group.command("tie")
@click.argument("person")
@click.argument("other")
@click.option("--kind", help=_one_of(TieKind.values(), "Required to add; with --end, default every kind."))
@click.option("--strength", metavar="1-5", help="Declared strength.")
@click.option("--on", "assessed_on", metavar=_DATE, help="When the strength was assessed (default: the analysis date).")
@click.option("--since", metavar=_DATE)
@click.option("--notes")
@click.option("--end", is_flag=True, help="End the tie: the declared tie is deleted (interactions stay).")
@pass_config
def tie_cmd(config: Config, person, other, kind, strength, assessed_on, since, notes, end) -> None:
    """Add (or re-assess) a declared tie between PERSON and OTHER, or --end it."""
    with open_store(config) as store:
        a, b = ops.find_person(store, person), ops.find_person(store, other)
        if end:
            result = ops.end_tie(store, a, b, kind, actor=os_user())
        else:
            if not kind:
                raise click.UsageError(_("adding a tie needs --kind"))
            result = ops.add_tie(store, a, b, kind, strength=strength, assessed_on=assessed_on, since=since,
                                 notes=notes, actor=os_user(), today=config.as_of)
    _report(result)


@edit_group.command("influence")
@click.argument("source")
@click.argument("target")
@click.option("--weight", metavar="1-5")
@click.option("--end", is_flag=True, help="End the link: it is deleted.")
@pass_config
def influence_cmd(config: Config, source, target, weight, end) -> None:
    """Add (or re-weigh) an influence link: SOURCE's opinion weighs on TARGET; or --end it."""
    with open_store(config) as store:
        a, b = ops.find_person(store, source), ops.find_person(store, target)
        result = (ops.end_influence(store, a, b, actor=os_user()) if end
                  else ops.add_influence(store, a, b, weight=weight, actor=os_user()))
    _report(result)


@edit_group.command("membership")
@click.argument("person")
@click.argument("org")
@click.option("--role")
@click.option("--since", metavar=_DATE)
@click.option("--end", is_flag=True, help="End the membership: it is deleted (memberships have no end date).")
@pass_config
def membership_cmd(config: Config, person, org, role, since, end) -> None:
    """Add (or change) PERSON's membership of ORG, or --end it."""
    with open_store(config) as store:
        pid, oid = ops.find_person(store, person), ops.find_organization(store, org)
        result = (ops.end_membership(store, pid, oid, actor=os_user()) if end
                  else ops.add_membership(store, pid, oid, role=role, since=since, actor=os_user()))
    _report(result)

