"""The real app in tmux at 80x24, side by side with a minimal Textual "hello" app.

Measures time to first frame (polling `capture-pane` until any text appears) and until
the exercise is on the screen, over many start-ups; then CPU during a long hold
(utime+stime from /proc over 20 s), peak RSS, and bytes written to the terminal per
second during the hold (tmux `pipe-pane`).
Targets (issue 4): first frame <= 1.3x hello, CPU < 1% of a core, RSS < 50 MiB; with the
large countdown (issue 16) < 1.5 KiB/s during a hold.
While the exercise figure moves (a walk, issue 17): CPU < 3% of a core, < 8 KiB/s.
termdown (a countdown that scales its digits to the terminal) counting down 10 minutes is a
second baseline for the hold: the bench installs it into a temporary venv with pip, or
uses the one `--termdown` names.
`--baseline REF` runs the app of another git revision too (`git archive REF src`), turn about
with this one in the same run, so "before" and "after" meet the same machine load; the table
then says each one's ratio to the hello app and this one's to REF's.
    .venv/bin/python bench/app_in_tmux.py [--launches 15] [--runs 3] [--hold-window 20]
        [--termdown PATH] [--baseline REF]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

import backroutine as backroutine_package

HELLO_APP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello")

Hello().run()
"""
# ALSA's file device, writing nowhere: the app plays its cues and voice as on a patient's
# machine (simpleaudio opens a device), whether or not this machine has a sound card.
ASOUNDRC = 'pcm.!default { type file; slave.pcm "null"; file "/dev/null"; format "raw" }\n'
# Start-ups of this checkout's app other than its daily one, timed beside it (no holds).
VARIANTS = {
    "first": "the routine's first opening",
    "sound": "with sound (ALSA's file device)",
}
LONG_HOLD = "title: Long hold\nsteps:\n  - {name: Plank, hold: 10m, prepare: 2s}\n"
# A walk's figure strides the whole time: the most the moving figure ever redraws.
LONG_WALK = "title: Long walk\nsteps:\n  - {name: Walk, duration: 10m, prepare: 2s}\n"
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


class Pane:
    """A command in its own tmux session at 80x24, with everything it writes captured."""

    def __init__(self, name: str, command: str, capture: Path) -> None:
        self.name = name
        self.started = time.perf_counter()
        tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", f"exec {command}")
        tmux("pipe-pane", "-t", name, "-o", f"cat >> {capture}")
        self.capture = capture
        self.pid = int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def wait_for(self, text: str = "", timeout: float = 20.0) -> float:
        """Seconds from start until `text` (by default: any text at all) is on the screen."""
        while time.perf_counter() - self.started < timeout:
            screen = tmux("capture-pane", "-p", "-t", self.name)
            if text in screen if text else screen.strip():
                return time.perf_counter() - self.started
            time.sleep(0.005)
        raise TimeoutError(f"{text or 'text'!r} never appeared in {self.name}")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self, timeout: float = 10.0) -> None:
        """End the command and wait until it and the processes it started (the validating
        helper) are gone: one still loading would slow the next start-up measured."""
        processes = [self.pid, *descendants(self.pid)]
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and any(alive(pid) for pid in processes):
            time.sleep(0.01)
        for pid in filter(alive, processes):  # hung at hang-up (see BENCHMARKS.md): not left behind
            print(
                f"{self.name}: process {pid} still running {timeout:.0f} s after its terminal "
                "closed; killed",
                file=sys.stderr,
            )
            with contextlib.suppress(ProcessLookupError):  # it may end just now
                os.kill(pid, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [
        grandchild for child in map(int, children) for grandchild in [child, *descendants(child)]
    ]


def alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie waiting for its parent does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_up(command: str, ready_text: str, folder: Path, name: str) -> dict:
    """Seconds to the first frame (any text) and until `ready_text` is on the screen, and
    the processor seconds the command's own process (not its helpers) spent until then:
    steadier than the time on a machine shared with other work."""
    pane = Pane(name, command, folder / f"{name}.out")
    try:
        first_frame, ready = pane.wait_for(), pane.wait_for(ready_text)
        return {"first_frame": first_frame, "ready": ready, "ready_cpu": pane.cpu_seconds()}
    finally:
        pane.close()


def hold(command: str, ready_text: str, window: float, folder: Path, name: str) -> dict:
    """CPU, peak RSS and bytes written per second over `window` seconds of a hold."""
    capture = folder / f"{name}.out"
    capture.touch()
    pane = Pane(name, command, capture)
    try:
        pane.wait_for(ready_text)
        time.sleep(3.0)  # past the get-ready countdown, into the hold
        cpu_before, bytes_before = pane.cpu_seconds(), capture.stat().st_size
        time.sleep(window)
        cpu = (pane.cpu_seconds() - cpu_before) / window
        written = (capture.stat().st_size - bytes_before) / window
        return {"cpu": cpu, "rss": pane.peak_rss_mib(), "bytes": written}
    finally:
        pane.close()


def install_termdown(folder: Path) -> str:
    """termdown in a venv of its own (never the app's dependencies); its command's path."""
    venv = folder / "termdown-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "--quiet", "termdown"]
    subprocess.run(pip, check=True)
    return str(venv / "bin" / "termdown")


def app_command(python: str, source: Path, cache: Path) -> str:
    """The app of the checkout whose `src` is `source`, started as its console script does,
    with `cache` as the user's cache folder."""
    entry = "import sys; from backroutine.entry import main; sys.exit(main())"
    return f"env PYTHONPATH={source} XDG_CACHE_HOME={cache} {python} -c {shlex.quote(entry)}"


def export_revision(ref: str, folder: Path) -> Path:
    """`src` of git revision `ref` of this checkout, written under `folder`; its path."""
    repository = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(repository), "archive", "--format=tar", ref, "src"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--launches", type=int, default=15, help="start-ups timed, each app")
    parser.add_argument("--runs", type=int, default=3, help="holds measured, each app")
    parser.add_argument("--hold-window", type=float, default=20.0)
    parser.add_argument("--termdown", help="a termdown command to use instead of installing it")
    parser.add_argument("--baseline", metavar="REF", help="a git revision to run side by side")
    args = parser.parse_args()
    python = sys.executable
    results: dict[str, list[dict]] = {
        "hello": [],
        "app": [],
        "first": [],
        "sound": [],
        "baseline": [],
        "termdown": [],
    }
    # A session kept open keeps the tmux server up: one exiting between runs fails the next.
    tmux("new-session", "-d", "-s", "bench-keepalive", "-x", "80", "-y", "24", "sleep 3600")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        (folder / "hello.py").write_text(HELLO_APP)
        (folder / "hold.yaml").write_text(LONG_HOLD)
        (folder / "walk.yaml").write_text(LONG_WALK)
        termdown = args.termdown or install_termdown(folder)
        sources = {"app": Path(backroutine_package.__file__).parent.parent}
        if args.baseline:
            (folder / "baseline").mkdir()
            sources["baseline"] = export_revision(args.baseline, folder / "baseline")
        commands = {"hello": (f"{python} {folder / 'hello.py'}", "hello")}

        def run_hold(source: Path, cache: str, data: str, *, sound: bool = False) -> str:
            """The app of `source` playing the long hold, silent unless `sound`; `{n}` in
            `cache` and `data` is the start-up's number."""
            command = (
                f"{app_command(python, source, folder / cache)} run {folder / 'hold.yaml'} "
                f"--no-checkin --data-dir {folder / data}"
            )
            if not sound:
                return f"{command} --no-audio"
            return f"env HOME={folder / 'sound-home'} {command}"

        for name, source in sources.items():
            # Bytecode for every module, as `pip install` writes it: Textual has its own, and
            # where PYTHONDONTWRITEBYTECODE is set a checkout would compile on every start.
            package = source / "backroutine"
            subprocess.run([python, "-m", "compileall", "-q", str(package)], check=True)
            # A new data folder each time: the log is created too, as on a first day. The
            # cache is kept, as on the patient's machine: the routine was opened before. One
            # cache each: a validation remembered by other code is not trusted (it is redone).
            commands[name] = (run_hold(source, f"cache-{name}", f"{name}-data{{n}}"), "Plank")
        # The first time the routine is opened: nothing in the cache (validated anew).
        commands["first"] = (run_hold(sources["app"], "cache-first{n}", "first-data{n}"), "Plank")
        # The cues and the voice on, as a patient has them: the sound is chosen, and the
        # voice's phrases made, beside the app's start-up.
        (folder / "sound-home").mkdir()
        (folder / "sound-home" / ".asoundrc").write_text(ASOUNDRC)
        commands["sound"] = (
            run_hold(sources["app"], "cache-app", "sound-data{n}", sound=True),
            "Plank",
        )
        for name in [*sources, "sound"]:  # opened once before, untimed
            start_up(commands[name][0].format(n="once"), "Plank", folder, f"{name}-once")
        # Interleaved, so machine load hits both alike, in turns reversed each round: what one
        # leaves running as it ends (a helper, the terminal catching up) falls on each alike.
        for n in range(args.launches):
            for name, (command, ready_text) in list(commands.items())[:: 1 if n % 2 else -1]:
                results[name].append(
                    start_up(command.format(n=n), ready_text, folder, f"{name}-start{n}")
                )
        for n in range(args.runs):
            for name, (command, ready_text) in commands.items():
                if name in VARIANTS:  # holds are alike, however the app started
                    continue
                results[name].append(
                    hold(
                        command.format(n=f"h{n}"),
                        ready_text,
                        args.hold_window,
                        folder,
                        f"{name}-hold{n}",
                    )
                )
            # termdown shows its digits at once: any text on the screen will do.
            countdown = hold(f"{termdown} 10m", "", args.hold_window, folder, f"termdown{n}")
            results["termdown"].append(countdown)
            for name in sources:
                walk = commands[name][0].replace("hold.yaml", "walk.yaml").format(n=f"w{n}")
                moving = hold(walk, "Walk", args.hold_window, folder, f"{name}-walk{n}")
                results[name].append({f"moving_{key}": value for key, value in moving.items()})
    tmux("kill-session", "-t", "bench-keepalive")

    def measured(name: str, key: str) -> list[float]:
        return [result[key] for result in results[name] if key in result]

    def median(name: str, key: str) -> float:
        return statistics.median(measured(name, key))

    def spread(name: str, key: str, scale: float, digits: int) -> str:
        values = [value * scale for value in measured(name, key)]
        if not values:  # the hello app has no figure to move; termdown is timed in holds only
            return "-"
        return (
            f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-"
            f"{max(values):.{digits}f})"
        )

    def ratio(name: str, to: str, key: str) -> str:
        if not measured(name, key) or not measured(to, key) or not median(to, key):
            return "-"
        return f"{median(name, key) / median(to, key):.2f}x"

    rows = []
    for key, label, scale, digits, target in [
        ("first_frame", "time to first frame, ms", 1000, 0, "<= 1.3x hello"),
        ("ready", "time until the exercise is on screen, ms", 1000, 0, "<= 1.5x hello"),
        ("ready_cpu", "processor time until then (its own process), ms", 1000, 0, "-"),
        ("cpu", "CPU during a hold, % of a core", 100, 2, "< 1%"),
        ("rss", "peak RSS, MiB", 1, 1, "< 50 MiB"),
        ("bytes", "bytes to the terminal per second during a hold", 1, 0, "< 1536"),
        ("moving_cpu", "CPU while the figure moves (walk), % of a core", 100, 2, "< 3%"),
        ("moving_bytes", "bytes to the terminal per second while it moves", 1, 0, "< 8192"),
    ]:
        row = [label, spread("hello", key, scale, digits), spread("app", key, scale, digits)]
        row += [spread(variant, key, scale, digits) for variant in VARIANTS]
        if args.baseline:
            row.append(spread("baseline", key, scale, digits))
        row += [spread("termdown", key, scale, digits), ratio("app", "hello", key)]
        row += [ratio(variant, "hello", key) for variant in VARIANTS]
        if args.baseline:
            row += [ratio("baseline", "hello", key), ratio("app", "baseline", key)]
        rows.append([*row, target])
    print(
        f"The app in tmux at 80x24: {args.launches} start-ups and {args.runs} holds of "
        f"{args.hold_window:.0f} s each, on {machine()}\n"
    )
    header = ["measure: median (min-max)", "hello app (baseline)", "backroutine player"]
    header += list(VARIANTS.values())
    if args.baseline:
        header.append(f"backroutine at {args.baseline}")
    header += ["termdown 10m", "ratio to hello"]
    header += [f"{what}: ratio to hello" for what in VARIANTS.values()]
    if args.baseline:
        header += [f"{args.baseline}'s ratio to hello", f"ratio to {args.baseline}"]
    print(table([*header, "target"], rows))
    print(
        '\nFirst frame: the first text on the screen (the app\'s "Opening hold.yaml…" line, '
        'drawn before it loads its engine and screens; the hello app\'s "hello"). Exercise '
        "on screen: the player showing the exercise's name. The app's data folder is new "
        "at each start, so its log is created too. The player: the routine was opened "
        "before (its validation is remembered in the cache folder, as on a patient's "
        "machine from the second day); the routine's first opening: an empty cache folder, "
        "the routine validated by the helper; with sound: the daily start-up without "
        "--no-audio, its cues and voice played into ALSA's file device. Processor time: "
        "user and system time of the app's own process (its validating helper runs beside "
        "it) when the exercise appears, read from /proc in 10 ms ticks. termdown runs in "
        "the same tmux, at the same size, counting down 10 minutes."
    )


if __name__ == "__main__":
    main()
