# Runs the real dnf 4 CLI (same entry point as /usr/bin/dnf) and, when dnf renders its transaction
# table, also writes the transaction as JSON to $REPOCLASH_DNF_PLAN. dnf 4 has no machine-readable
# transaction output, and its table wraps and omits the version being replaced.
import json
import os
import sys

import libdnf.transaction
import dnf.cli.output
from dnf.cli import main

T = libdnf.transaction
ACTIONS = {
    T.TransactionItemAction_INSTALL: "install",
    T.TransactionItemAction_UPGRADE: "upgrade",
    T.TransactionItemAction_DOWNGRADE: "downgrade",
    T.TransactionItemAction_REINSTALL: "reinstall",
    T.TransactionItemAction_OBSOLETE: "obsolete",
    T.TransactionItemAction_REMOVE: "remove",
    T.TransactionItemAction_UPGRADED: "upgraded",
    T.TransactionItemAction_DOWNGRADED: "downgraded",
    T.TransactionItemAction_REINSTALLED: "reinstalled",
    T.TransactionItemAction_OBSOLETED: "obsoleted",
    T.TransactionItemAction_REASON_CHANGE: "reason-change",
}

_original = dnf.cli.output.Output.list_transaction


def _describe(tsi):
    pkg = tsi.pkg
    return {
        "action": ACTIONS.get(tsi.action, str(tsi.action)),
        "name": pkg.name,
        "epoch": int(pkg.epoch or 0),
        "version": pkg.version,
        "release": pkg.release,
        "arch": pkg.arch,
        "evr": pkg.evr,
        "repo": pkg.reponame,
        "vendor": pkg.vendor or "",
        # The names of the packages an obsoleted (or upgraded) package is replaced by.
        "replacedBy": _replaced_by(tsi),
    }


def _replaced_by(tsi):
    item = getattr(tsi, "_item", None)
    if item is None or not hasattr(item, "getReplacedBy"):
        return []
    out = []
    for other in item.getReplacedBy():
        rpm = other.getRPMItem() if hasattr(other, "getRPMItem") else None
        if rpm is not None:
            out.append(rpm.getName())
    return out


def _list_transaction(self, transaction, total_width=None):
    target = os.environ.get("REPOCLASH_DNF_PLAN")
    if target:
        items = [_describe(tsi) for tsi in (transaction or [])]
        with open(target, "w", encoding="utf-8") as out:
            json.dump(items, out)
    return _original(self, transaction, total_width)


dnf.cli.output.Output.list_transaction = _list_transaction
main.user_main(sys.argv[1:], exit_code=True)
