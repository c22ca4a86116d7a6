"""The joblib.Memory side of bench/anchors/joblib.mjs: the same items and the same function,
cached on disk by joblib.Memory, one call per item. Prints the seconds the calls took as JSON.

    python3 joblib_memory.py <items> <cache dir>
"""
import json
import sys
import time

from joblib import Memory


def main():
    count = int(sys.argv[1])
    memory = Memory(sys.argv[2], verbose=0)

    @memory.cache
    def work(item):
        return item["score"] * 2 + len(item["tags"])

    items = [{"id": i, "name": f"doc-{i}", "tags": ["a", "b"], "score": i / count} for i in range(count)]
    started = time.perf_counter()
    results = [work(item) for item in items]
    seconds = time.perf_counter() - started
    assert len(results) == count
    print(json.dumps({"seconds": seconds}))


main()
