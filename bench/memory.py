"""Peak resident memory (RSS) of this process while a function runs.

Linux keeps the high-water mark of a process's resident set (``VmHWM`` in
``/proc/self/status``); writing ``5`` to ``/proc/self/clear_refs`` resets
it to the current RSS. The benchmarks run the server's code in their own
process, so this is the server's peak RSS during the measured work."""
from pathlib import Path

STATUS = Path('/proc/self/status')
CLEAR = Path('/proc/self/clear_refs')


def _kib(field):
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ':'):
            return int(line.split()[1])


def peak_rss(func):
    """Run func; return (its result, RSS before in MiB, peak RSS during
    in MiB). Peak is None where the kernel does not allow the reset."""
    try:
        CLEAR.write_text('5')
        resettable = True
    except OSError:
        resettable = False
    before = _kib('VmRSS')
    result = func()
    peak = _kib('VmHWM') if resettable else None
    return result, before / 1024, (peak / 1024 if peak is not None else None)


def report(label, func):
    "Run func, print its peak RSS line, return its result"
    result, before, peak = peak_rss(func)
    if peak is None:
        print(f"{label:46} peak RSS not measurable here", flush=True)
    else:
        print(f"{label:46} RSS before {before:7.1f} MiB  peak "
            f"{peak:7.1f} MiB  (+{peak - before:.1f})", flush=True)
    return result
