"""The neural voice's processor time per second of speech, and whether it is still the same
voice, under onnxruntime's options and rewrites of the same model (issue 21: every phrase of
a routine cold in under 5 s needs about half the processor time per second of speech).

Each variant synthesises the same phrases (what desk-break says unprompted, the helper's way:
phonemes first, then sentence by sentence, on one onnxruntime thread, so that the figure is
the work and not how it is spread over cores) in a fresh process, turn about with the
others, and reports the processor time (user + system) of loading the model and of
synthesising, per second of speech made. The runs use no noise (`noise_scale` and
`noise_w_scale` 0), so that a variant's speech can be compared with the float model's sample
for sample; the float model with Piper's usual noise, as the helper speaks, shows how much
two utterances of the same voice differ anyway. The voice measures, against the float model:
length (trimmed of silence), mel-cepstral distortion along the best alignment (dB, 60 dB of
range), the noise in the pauses (dB against the speech), and the signal-to-noise ratio of the
samples where the length is unchanged; and how many phrases pass the ALSA test's checks
that they are speech (tests/test_audio_neural.py). About 5 minutes with 3 runs.

The variants: the float model as shipped under onnxruntime's options not tried before; the
decoder rewritten from 1-D to 2-D convolutions of height 1 (the same weights: onnxruntime then
runs it with its blocked NCHWc kernels); int8 weights with dynamic quantisation
(`quantize_dynamic`, ConvInteger); int8 weights and activations in the decoder's convolutions
(`quantize_static`, QLinearConv, per-channel weights), with activation ranges from the float
model on other phrases (core-stability's tips) at their extremes or at the 99.99th percentile.
Rewriting and quantising need the `onnx` package (not part of the `voice` extra).
    .venv/bin/python bench/neural_speed.py [--runs 3] [--routine desk-break]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

from backroutine.audio.neural import NATURAL_RATE, voice_assets
from backroutine.audio.voice import DEFAULT_RATE, routine_phrases, spoken_phrases
from backroutine.base.paths import bundled_routines_dir
from backroutine.routine.loader import load_routine

SAMPLE_RATE = 22050
CALIBRATION_ROUTINE = "core-stability"
"""Whose tips set the int8 activation ranges: other phrases than those measured."""

SYNTHESISE = """
import json, sys, time
import numpy, onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig

model, config, length_scale, variant, phrases, out = json.loads(sys.stdin.read())
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
options.enable_mem_pattern = False  # as the helper
for name, value in variant.get("entries", {}).items():
    options.add_session_config_entry(name, value)
if "level" in variant:
    options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, variant["level"])
if "mode" in variant:
    options.execution_mode = getattr(onnxruntime.ExecutionMode, variant["mode"])
noise = variant.get("noise", [0.0, 0.0])
started = time.process_time()
voice = PiperVoice(
    config=PiperConfig.from_dict(json.loads(open(config, encoding="utf-8").read())),
    session=onnxruntime.InferenceSession(model, sess_options=options,
                                         providers=["CPUExecutionProvider"]),
)
loaded = time.process_time()
settings = SynthesisConfig(length_scale=length_scale, noise_scale=noise[0], noise_w_scale=noise[1])
sentences = [[voice.phonemes_to_ids(said) for said in voice.phonemize(phrase) if said]
             for phrase in phrases]
speech = [numpy.concatenate([voice.phoneme_ids_to_audio(ids, settings) for ids in phrase])
          for phrase in sentences]
done = time.process_time()
if out:
    numpy.savez(out, *speech)
print(json.dumps({"load": loaded - started, "synthesis": done - loaded,
                  "samples": sum(len(said) for said in speech)}))
"""


# --- the model, rewritten ------------------------------------------------------------


def decoder_in_two_dimensions(source: Path, target: Path) -> None:
    """Write the model with its decoder (HiFi-GAN: Conv, ConvTranspose, LeakyRelu, Add,
    Div, Tanh) working on height-1 images: the same weights with a unit axis, one Unsqueeze
    before it and one Squeeze after, so onnxruntime's NCHWc kernels run it end to end."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(source)
    graph = model.graph
    weights = {weight.name: weight for weight in graph.initializer}
    graph.initializer.append(numpy_helper.from_array(numpy.array([2], numpy.int64), "axis_2"))
    nodes = []
    for node in graph.node:
        if not node.name.startswith("/dec/"):
            nodes.append(node)
            continue
        if node.op_type in ("Conv", "ConvTranspose"):
            inputs = list(node.input)
            weight = numpy_helper.to_array(weights[inputs[1]])[:, :, None, :]
            inputs[1] = f"{inputs[1]}_2d"
            graph.initializer.append(numpy_helper.from_array(weight, inputs[1]))
            if node.name == "/dec/conv_pre/Conv":  # where the decoder starts
                nodes.append(
                    helper.make_node(
                        "Unsqueeze",
                        [inputs[0], "axis_2"],
                        [f"{inputs[0]}_2d"],
                        name="/dec/Unsqueeze",
                    )
                )
                inputs[0] = f"{inputs[0]}_2d"
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            for name in ("kernel_shape", "dilations", "strides"):
                if name in attributes:
                    attributes[name] = [1, *attributes[name]]
            if "output_padding" in attributes:
                attributes["output_padding"] = [0, *attributes["output_padding"]]
            if "pads" in attributes:
                begin, end = attributes["pads"]
                attributes["pads"] = [0, begin, 0, end]
            nodes.append(
                helper.make_node(
                    node.op_type, inputs, list(node.output), name=node.name, **attributes
                )
            )
        elif node.op_type == "Tanh":  # where it ends
            nodes.append(
                helper.make_node("Tanh", list(node.input), [f"{node.output[0]}_2d"], name=node.name)
            )
            nodes.append(
                helper.make_node(
                    "Squeeze",
                    [f"{node.output[0]}_2d", "axis_2"],
                    list(node.output),
                    name="/dec/Squeeze",
                )
            )
        elif node.op_type in ("Add", "LeakyRelu", "Div"):  # element by element: any shape
            nodes.append(node)
        else:
            raise ValueError(f"the decoder has a {node.op_type}: not rewritten")
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in graph.node for name in node.input}
    kept = [weight for weight in graph.initializer if weight.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    shapes = [info for info in graph.value_info if not info.name.startswith("/dec/")]
    del graph.value_info[:]
    graph.value_info.extend(shapes)
    onnx.checker.check_model(model)
    onnx.save(model, target)


def quantised_dynamically(source: Path, target: Path) -> None:
    """int8 weights (unsigned: with signed ones onnxruntime's ConvInteger takes three times
    the float model's time), activations quantised as they come, in every Conv (the MatMuls
    multiply activations, and ConvTranspose is not quantised dynamically)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(source, target, weight_type=QuantType.QUInt8, op_types_to_quantize=["Conv"])


def feeds(phrases: list[str]) -> list[dict[str, numpy.ndarray]]:
    """The model's inputs for each sentence of `phrases`, as Piper makes them."""
    from piper import PiperVoice
    from piper.config import PiperConfig

    config = voice_assets()[1]
    voice = PiperVoice(config=PiperConfig.from_dict(json.loads(config.read_text())), session=None)
    scales = numpy.array([0.667, NATURAL_RATE / DEFAULT_RATE, 0.8], numpy.float32)
    return [
        {
            "input": numpy.array([ids], numpy.int64),
            "input_lengths": numpy.array([len(ids)], numpy.int64),
            "scales": scales,
        }
        for phrase in phrases
        for said in voice.phonemize(phrase)
        if said
        for ids in [voice.phonemes_to_ids(said)]
    ]


def quantised_statically(
    source: Path, target: Path, calibration: list[str], percentile: float | None
) -> None:
    """int8 weights (per channel) and activations in the decoder's convolutions but the last
    (whose output is the waveform, before tanh). The activation ranges are what the float
    model produces on `calibration`: all of it, or up to `percentile` (onnxruntime's own
    percentile calibration fails on tensors of varying length)."""
    import onnx
    import onnxruntime
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    model = onnx.load(source)
    convs = [
        node
        for node in model.graph.node
        if node.op_type == "Conv" and node.name.startswith("/dec/") and "post" not in node.name
    ]
    tensors = sorted({name for node in convs for name in (node.input[0], node.output[0])})
    for name in tensors:
        output = onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        model.graph.output.append(output)
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    inputs = feeds(calibration)
    # Every value's extremes, and every 16th value for the percentile: the decoder's
    # activations for a minute of speech would take gigabytes.
    extremes = {name: (numpy.inf, -numpy.inf) for name in tensors}
    sample: dict[str, list[numpy.ndarray]] = {name: [] for name in tensors}
    names = [output.name for output in session.get_outputs()]
    for feed in inputs:
        outputs = dict(zip(names, session.run(None, feed), strict=True))
        for name in tensors:
            low, high = extremes[name]
            extremes[name] = (min(low, outputs[name].min()), max(high, outputs[name].max()))
            sample[name].append(outputs[name].ravel()[::16])
    ranges = {}
    for name in tensors:
        low, high = (
            extremes[name]
            if percentile is None
            else numpy.percentile(numpy.concatenate(sample[name]), [100 - percentile, percentile])
        )
        ranges[name] = [{"rmin": numpy.float32(min(low, 0)), "rmax": numpy.float32(max(high, 0))}]

    class Calibration(CalibrationDataReader):
        """Two sentences: the ranges are given; onnxruntime wants something to run."""

        def __init__(self) -> None:
            self.left = iter(inputs[:2])

        def get_next(self) -> dict[str, numpy.ndarray] | None:
            return next(self.left, None)

    quantize_static(
        source,
        target,
        Calibration(),
        quant_format=QuantFormat.QOperator,
        op_types_to_quantize=["Conv"],
        nodes_to_quantize=[node.name for node in convs],
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"TensorQuantOverrides": ranges},
    )


# --- is it the same voice -------------------------------------------------------------

FFT, HOP, MELS, CEPSTRA = 1024, 256, 80, 13


def _mel_filters() -> numpy.ndarray:
    def mel(hz: numpy.ndarray) -> numpy.ndarray:
        return 2595 * numpy.log10(1 + hz / 700)

    edges_mel = numpy.linspace(0, mel(numpy.array(8000.0)), MELS + 2)
    edges = numpy.floor((FFT + 1) * 700 * (10 ** (edges_mel / 2595) - 1) / SAMPLE_RATE).astype(int)
    filters = numpy.zeros((MELS, FFT // 2 + 1))
    for band in range(MELS):
        low, middle, high = edges[band : band + 3]
        filters[band, low:middle] = (numpy.arange(low, middle) - low) / max(middle - low, 1)
        filters[band, middle:high] = (high - numpy.arange(middle, high)) / max(high - middle, 1)
    return filters


MEL_FILTERS = _mel_filters()
DCT = numpy.sqrt(2 / MELS) * numpy.cos(
    numpy.pi / MELS * (numpy.arange(MELS) + 0.5) * numpy.arange(CEPSTRA)[:, None]
)


def trimmed(speech: numpy.ndarray) -> numpy.ndarray:
    """The speech without the silence before and after (below 1 % of its peak)."""
    loud = numpy.nonzero(numpy.abs(speech) > 0.01 * numpy.max(numpy.abs(speech)))[0]
    return speech[loud[0] : loud[-1] + 1] if loud.size else speech


def cepstra(speech: numpy.ndarray) -> numpy.ndarray:
    """Mel cepstra (frames x 12, c0 left out) of the speech scaled to its peak, as the helper
    writes it, with 60 dB of range below the loudest band: quieter is not heard."""
    scaled = speech / (numpy.max(numpy.abs(speech)) + 1e-9)
    padded = numpy.pad(scaled, FFT // 2)
    frames = numpy.lib.stride_tricks.sliding_window_view(padded, FFT)[::HOP]
    power = numpy.abs(numpy.fft.rfft(frames * numpy.hanning(FFT), axis=1)) ** 2
    mel = power @ MEL_FILTERS.T
    return (DCT @ numpy.log(numpy.maximum(mel, mel.max() * 1e-6)).T).T[:, 1:]


def distortion(one: numpy.ndarray, other: numpy.ndarray) -> float:
    """Mel-cepstral distortion in dB along the alignment of least distance (dynamic time
    warping): the two may differ in length and timing."""
    a, b = cepstra(one), cepstra(other)
    distance = numpy.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    rows, columns = distance.shape
    total = numpy.full((rows + 1, columns + 1), numpy.inf)
    steps = numpy.zeros((rows + 1, columns + 1), numpy.int64)
    total[0, 0] = 0
    for i in range(1, rows + 1):
        for j in range(1, columns + 1):
            before = (total[i - 1, j - 1], total[i - 1, j], total[i, j - 1])
            steps[i, j] = int(numpy.argmin(before))
            total[i, j] = distance[i - 1, j - 1] + before[steps[i, j]]
    i, j, length = rows, columns, 0
    while i > 0 and j > 0:
        length += 1
        i, j = ((i - 1, j - 1), (i - 1, j), (i, j - 1))[steps[i, j]]
    return float(10 / numpy.log(10) * numpy.sqrt(2) * total[rows, columns] / length)


def pause_noise(reference: numpy.ndarray, speech: numpy.ndarray) -> float | None:
    """The level of `speech` in the 20 ms frames where `reference` (of the same length) is
    silent, in dB against the reference's speech."""
    frame = SAMPLE_RATE // 50
    whole = len(reference) // frame * frame
    quiet_frames = reference[:whole].reshape(-1, frame)
    quiet = numpy.sqrt((quiet_frames**2).mean(1)) < 0.003 * numpy.abs(reference).max()
    if quiet.sum() < 5:
        return None
    heard = speech[:whole].reshape(-1, frame)[quiet]
    return float(10 * numpy.log10((heard**2).mean() / (reference**2).mean()))


def speech_like(phrase: str, speech: numpy.ndarray) -> bool:
    """The checks of the ALSA test (tests/test_audio_neural.py) on a phrase of four words or
    more, as the helper writes it (scaled to its peak): loud enough, with pauses between
    words (3-60 % of 20 ms frames below a tenth of the RMS), and its length within 30 % of
    what the speech rate gives."""
    if len(phrase.split()) < 4:
        return True
    pcm = numpy.round(speech / numpy.max(numpy.abs(speech)) * 32767)
    pcm = numpy.trim_zeros(pcm, "b")
    rms = float(numpy.sqrt((pcm**2).mean()))
    frame = SAMPLE_RATE // 50
    frames = pcm[: (len(pcm) - 1) // frame * frame].reshape(-1, frame)
    pauses = float((numpy.abs(frames).max(1) < rms / 10).mean())
    expected = len(phrase) / (DEFAULT_RATE * 5 / 60)
    return (
        rms > 1000
        and 0.03 < pauses < 0.6
        and abs(len(pcm) / SAMPLE_RATE - expected) <= 0.3 * expected
    )


def snr_db(reference: numpy.ndarray, speech: numpy.ndarray) -> float:
    """The signal-to-noise ratio of `speech` against `reference` (as long), in dB."""
    return float(
        10 * numpy.log10((reference**2).sum() / (((reference - speech) ** 2).sum() + 1e-20))
    )


def same_voice(
    phrases: list[str], reference: list[numpy.ndarray], speech: list[numpy.ndarray], timed: bool
) -> dict[str, Any]:
    """The voice measures of `speech` against `reference`, phrase by phrase; the noise in
    the pauses and the samples' SNR only if `timed` (the variant leaves the text encoder and
    the durations alone, so the same sample is the same moment of speech)."""
    pairs = list(zip(reference, speech, strict=True))
    seconds = numpy.array([len(trimmed(ref)) / SAMPLE_RATE for ref in reference])
    lengths = [len(trimmed(said)) / len(trimmed(ref)) for ref, said in pairs]
    distortions = [distortion(trimmed(ref), trimmed(said)) for ref, said in pairs]
    aligned = [(ref, said) for ref, said in pairs if timed and len(ref) == len(said)]
    noise = [level for ref, said in aligned if (level := pause_noise(ref, said)) is not None]
    snr = [snr_db(ref, said) for ref, said in aligned]
    long = [abs(length - 1) for length, second in zip(lengths, seconds, strict=True) if second > 1]
    return {
        "length": float(numpy.dot(seconds, lengths) / seconds.sum()),
        "worst": max(long, default=0.0),
        "distortion": float((seconds * distortions).sum() / seconds.sum()),
        "distortion_max": max(distortions),
        "noise": statistics.median(noise) if noise else None,
        "snr": statistics.median(snr) if snr else None,
        "speech_like": sum(map(speech_like, phrases, speech)),
    }


# --- the runs -------------------------------------------------------------------------


def synthesise(model: Path, variant: dict, phrases: list[str], out: Path | None) -> dict:
    """Processor seconds to load `model` and to synthesise `phrases` in a fresh process."""
    config = voice_assets()[1]
    result = subprocess.run(
        [sys.executable, "-c", SYNTHESISE],
        check=True,
        capture_output=True,
        input=json.dumps(
            [
                str(model),
                str(config),
                NATURAL_RATE / DEFAULT_RATE,
                variant,
                phrases,
                str(out) if out else None,
            ]
        ).encode(),
    )
    return json.loads(result.stdout)


def speech_in(path: Path) -> list[numpy.ndarray]:
    """The phrases a run saved, in order."""
    with numpy.load(path) as saved:
        return [saved[f"arr_{n}"].astype(numpy.float64) for n in range(len(saved.files))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--routine", default="desk-break", help="whose unprompted phrases")
    args = parser.parse_args()
    if importlib.util.find_spec("onnx") is None:
        sys.exit("the model's rewrites need the onnx package: pip install onnx")
    load_before = os.getloadavg()[0]
    routine = load_routine(bundled_routines_dir() / f"{args.routine}.yaml").routine
    phrases = spoken_phrases(routine)
    calibrating = load_routine(bundled_routines_dir() / f"{CALIBRATION_ROUTINE}.yaml").routine
    unprompted = spoken_phrases(calibrating)
    calibration = [tip for tip in routine_phrases(calibrating) if tip not in unprompted]
    shipped = voice_assets()[0]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        rewrites: dict[str, Callable[[Path, Path], None]] = {
            "2d": decoder_in_two_dimensions,
            "dynamic": quantised_dynamically,
            "static": lambda s, t: quantised_statically(s, t, calibration, None),
            "static-99.99": lambda s, t: quantised_statically(s, t, calibration, 99.99),
        }
        models = {"float": shipped}
        for name, rewrite in rewrites.items():
            models[name] = folder / f"{name}.onnx"
            rewrite(shipped, models[name])
        variants: dict[str, tuple[str, dict]] = {
            "the float model as the helper runs it (baseline)": ("float", {}),
            "graph optimisation: basic": ("float", {"level": "ORT_ENABLE_BASIC"}),
            "graph optimisation: extended": ("float", {"level": "ORT_ENABLE_EXTENDED"}),
            "graph optimisation: none": ("float", {"level": "ORT_DISABLE_ALL"}),
            "intra-op threads do not spin": (
                "float",
                {"entries": {"session.intra_op.allow_spinning": "0"}},
            ),
            "denormals as zero": ("float", {"entries": {"session.set_denormal_as_zero": "1"}}),
            "parallel execution mode": ("float", {"mode": "ORT_PARALLEL"}),
            "decoder as 2-D convolutions (NCHWc)": ("2d", {}),
            "int8, dynamic (every Conv: ConvInteger)": ("dynamic", {}),
            "int8, static decoder convs, full ranges": ("static", {}),
            "int8, static decoder convs, 99.99th percentile": ("static-99.99", {}),
        }
        runs: dict[str, list[dict]] = {name: [] for name in variants}
        for n in range(args.runs):
            order = list(variants.items())[:: 1 if n % 2 == 0 else -1]  # each first in turn
            for name, (model, variant) in order:
                out = folder / f"variant-{list(variants).index(name)}.npz" if n == 0 else None
                runs[name].append(synthesise(models[model], variant, phrases, out))
                if out:
                    runs[name][-1]["out"] = out
        noisy = folder / "noisy.npz"
        with_noise = synthesise(shipped, {"noise": [0.667, 0.8]}, phrases, noisy)
        reference = speech_in(runs["the float model as the helper runs it (baseline)"][0]["out"])
        quiet = statistics.median(
            level for said in reference if (level := pause_noise(said, said)) is not None
        )
        # Dynamic quantisation takes the text encoder's and the durations' convs too.
        retimed = ("int8, dynamic (every Conv: ConvInteger)",)
        voices = {
            name: same_voice(
                phrases, reference, speech_in(done[0]["out"]), timed=name not in retimed
            )
            for name, done in runs.items()
        }
        voices["the float model with Piper's noise, as the helper speaks"] = same_voice(
            phrases, reference, speech_in(noisy), timed=False
        )

    def per_second(run: dict) -> float:
        return run["synthesis"] / (run["samples"] / SAMPLE_RATE)

    baseline = statistics.median(
        per_second(run) for run in runs["the float model as the helper runs it (baseline)"]
    )
    speech = runs["the float model as the helper runs it (baseline)"][0]["samples"] / SAMPLE_RATE
    print(
        f"{len(phrases)} phrases {args.routine} says unprompted ({speech:.0f} s of speech), "
        f"{args.runs} runs per variant, turn about, on {machine()}; load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end. Processor "
        "time is user + system of one onnxruntime thread.\n"
    )
    rows = []
    for name, done in runs.items():
        seconds = [per_second(run) for run in done]
        rows.append(
            [
                name,
                f"{statistics.median(seconds) * 1000:.1f} "
                f"({min(seconds) * 1000:.1f}-{max(seconds) * 1000:.1f})",
                f"{statistics.median(seconds) / baseline:.2f}",
                f"{statistics.median(run['load'] for run in done):.2f}",
            ]
        )
    print(
        table(
            [
                "variant",
                "synthesis, ms of processor a second of speech: median (min-max)",
                "ratio to the baseline",
                "loading the model, processor s",
            ],
            rows,
        )
    )
    print(
        f"\n(the float model with Piper's noise, as the helper speaks, one run: "
        f"{per_second(with_noise) * 1000:.1f} ms a second of speech)\n"
    )

    def shown(value: float | None, form: str) -> str:
        return "-" if value is None else format(value, form)

    print(
        table(
            [
                "against the float model without noise",
                "length (trimmed)",
                "worst phrase over 1 s",
                "mel-cepstral distortion, dB: mean (worst phrase)",
                "noise in the pauses, dB",
                "samples' SNR, dB (median)",
                "speech-like (the ALSA test)",
            ],
            [
                [
                    name,
                    f"{v['length']:.3f}",
                    f"{v['worst'] * 100:.1f} %",
                    f"{v['distortion']:.1f} ({v['distortion_max']:.1f})",
                    shown(v["noise"], ".1f"),
                    shown(v["snr"], ".1f"),
                    f"{v['speech_like']} of {len(phrases)}",
                ]
                for name, v in voices.items()
                if name != "the float model as the helper runs it (baseline)"
            ],
        )
    )
    print(
        f"\nThe float model's own pauses are at {quiet:.1f} dB (median); a variant's pauses "
        "louder than that are a hiss the float model has not."
    )


if __name__ == "__main__":
    main()
