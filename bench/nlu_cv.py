"""NLU cross-validation: intent precision, recall and F1 per intent (`rasa test nlu`, k folds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from common.env import env_int
from common.paths import PROJECT_ROOT, var_dir

RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"


def main() -> int:
    folds = env_int("BENCH_CV_FOLDS", 3)
    out = var_dir() / "bench" / "nlu-cv"
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    print(f"NLU cross-validation, {folds} folds…", flush=True)
    done = subprocess.run(
        [str(RASA), "test", "nlu", "--nlu", "nlu_data", "--config", "config.yml",
         "--cross-validation", "--folds", str(folds), "--out", str(out), "--quiet"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    report_file = out / "intent_report.json"
    if done.returncode != 0 or not report_file.exists():
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        return 1
    report = json.loads(report_file.read_text(encoding="utf-8"))
    lines = [
        f"# NLU cross-validation ({folds} folds, test folds)",
        "",
        "| intent | precision | recall | F1 | examples |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in sorted(report.items()):
        if (
            isinstance(row, dict)
            and "f1-score" in row
            and name not in ("macro avg", "weighted avg", "micro avg")
        ):
            lines.append(
                f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1-score']:.3f} | {row['support']} |"
            )
    for name in ("macro avg", "weighted avg"):
        if name in report:
            row = report[name]
            lines.append(
                f"| **{name}** | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1-score']:.3f} | {row['support']} |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    (var_dir() / "bench" / "nlu-cv-latest.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
