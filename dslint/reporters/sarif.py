"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

A translation of findings, field by field: rule id and name, level, message, the
first file as the location and the others as related locations, and the rest
(split, evidence, fix) as properties. Output is sorted and deterministic.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from typing import TextIO
from urllib.parse import quote

from dslint import __version__
from dslint.engine.registry import load_rules
from dslint.engine.rule import Finding
from dslint.model.report import Report
from dslint.reporters.locations import finding_files

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render_sarif(report: Report, out: TextIO) -> None:
    catalogue = load_rules()
    used = sorted({f.rule_id for f in report.findings})
    rules = [
        _rule(catalogue[rule_id]) if rule_id in catalogue else {"id": rule_id} for rule_id in used
    ]
    index = {rule_id: i for i, rule_id in enumerate(used)}
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dslint",
                        "version": __version__,
                        "informationUri": "https://github.com/dslint/dslint",
                        "rules": rules,
                    }
                },
                "results": [_result(f, index[f.rule_id]) for f in report.findings],
                "invocations": [_invocation(report)],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _invocation(report: Report) -> dict:
    """Rule crashes as the run's notifications: the run did not succeed, whatever its
    results say."""
    return {
        "executionSuccessful": not report.crashes,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": crash.line()},
                "descriptor": {"id": crash.rule_id},
            }
            for crash in report.crashes
        ],
    }


def _rule(rule) -> dict:
    doc = inspect.cleandoc(rule.__doc__ or "")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.split("\n\n", 1)[0]},
        "help": {"text": doc},
        "defaultConfiguration": {"level": LEVELS[rule.default_severity]},
    }


def _result(finding: Finding, rule_index: int) -> dict:
    files = finding_files(finding)
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(files[0])],
        "partialFingerprints": {"dslintFinding/v1": _fingerprint(finding, files)},
        "properties": {
            "split": finding.split,
            "evidence": finding.evidence,
            "fix": finding.fix,
            "rule-name": finding.rule_name,
        },
    }
    if len(files) > 1:
        result["relatedLocations"] = [
            {**_location(path), "id": i} for i, path in enumerate(files[1:], start=1)
        ]
    return result


def _location(path: str) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": quote(path)}}}


def _fingerprint(finding: Finding, files: list[str]) -> str:
    key = "\0".join([finding.rule_id, finding.split or "", *sorted(files)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]
