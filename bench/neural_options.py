"""The neural voice's helper under onnxruntime's session options: what each costs in memory
and processor time, to choose the helper's (issue 21: its peak RSS, about 250 MiB).

Each variant synthesises the phrases of the bundled routine with the longest sentences
(morning-5-minutes) in a fresh process, as the helper does, turn about with the others:
its peak RSS (from wait4), and its processor time (user + system: less swayed by other
work on the machine than wall time, though both are given).
    .venv/bin/python bench/neural_options.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

from backroutine.audio.neural import NATURAL_RATE, voice_assets
from backroutine.audio.voice import DEFAULT_RATE, routine_phrases
from backroutine.base.paths import bundled_routines_dir
from backroutine.routine.loader import load_routine

VARIANTS = {
    "1 thread (the helper before)": {"threads": 1},
    "2 threads": {"threads": 2},
    "2 threads, no memory pattern (the helper of the fourth session)": {
        "threads": 2,
        "enable_mem_pattern": False,
    },
    "1 thread, no memory pattern, 2 sentences at once (the helper now)": {
        "threads": 1,
        "enable_mem_pattern": False,
        "sentences": 2,
    },
    "1 thread, no memory arena": {"threads": 1, "enable_cpu_mem_arena": False},
    "1 thread, no memory pattern": {"threads": 1, "enable_mem_pattern": False},
    "1 thread, neither": {"threads": 1, "enable_cpu_mem_arena": False, "enable_mem_pattern": False},
}

SYNTHESISE = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig

model, config, length_scale, variant, phrases = json.loads(sys.stdin.read())
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = variant.pop("threads")
at_once = variant.pop("sentences", 1)
options.add_session_config_entry("session.intra_op.allow_spinning", "0")
for name, value in variant.items():
    setattr(options, name, value)
voice = PiperVoice(
    config=PiperConfig.from_dict(json.loads(open(config, encoding="utf-8").read())),
    session=onnxruntime.InferenceSession(model, sess_options=options,
                                         providers=["CPUExecutionProvider"]),
)
settings = SynthesisConfig(length_scale=length_scale)
if at_once == 1:
    for phrase in phrases:
        b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(phrase, settings))
else:  # as the helper does: the sentences phonemized first, then synthesised side by side
    sentences = [voice.phonemes_to_ids(said) for phrase in phrases
                 for said in voice.phonemize(phrase) if said]
    with ThreadPoolExecutor(at_once) as pool:
        list(pool.map(lambda ids: voice.phoneme_ids_to_audio(ids, settings), sentences))
"""


def measure(variant: dict, phrases: list[str]) -> dict:
    """Peak RSS (MiB), processor and wall seconds of one fresh process synthesising."""
    model, config = voice_assets()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", SYNTHESISE], stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(json.dumps([str(model), str(config), NATURAL_RATE / DEFAULT_RATE,
                                    dict(variant), phrases]).encode())  # fmt: skip
    process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{variant}: the synthesis failed")
    return {"rss": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime,
            "wall": time.perf_counter() - started}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    routine = load_routine(bundled_routines_dir() / "morning-5-minutes.yaml").routine
    phrases = routine_phrases(routine)
    runs: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    for _ in range(args.runs):
        for name, variant in VARIANTS.items():
            runs[name].append(measure(variant, phrases))

    def spread(name: str, key: str, digits: int) -> str:
        low, middle, high = (
            f"{value:.{digits}f}"
            for value in (min(run[key] for run in runs[name]),
                          statistics.median(run[key] for run in runs[name]),
                          max(run[key] for run in runs[name]))
        )  # fmt: skip
        return f"{middle} ({low}-{high})"

    print(
        f"The helper's synthesis of morning-5-minutes ({len(phrases)} phrases) under "
        f"onnxruntime's session options, {args.runs} runs each, turn about, on {machine()}; "
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(table(["session options", "peak RSS, MiB: median (min-max)", "processor, s",
                 "wall, s"],
                [[name, spread(name, "rss", 0), spread(name, "cpu", 2), spread(name, "wall", 2)]
                 for name in VARIANTS]))  # fmt: skip


if __name__ == "__main__":
    main()
