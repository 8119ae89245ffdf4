"""NumPy's exact search on the vectors IndexBench dumped: the anchor for the local index.

matrix @ query + argpartition, rows normalised beforehand (cosine), 2 OpenBLAS threads.
Prints p50/mean per query and how many of our top-10 ids NumPy's top-10 shares.
"""
import sys, time
import numpy as np

directory, n, dim = sys.argv[1], int(sys.argv[2]), 384
m = np.fromfile(f"{directory}/vectors-{n}.f32", dtype=np.float32).reshape(n, dim)
m /= np.linalg.norm(m, axis=1, keepdims=True)
queries = np.fromfile(f"{directory}/queries-{n}.f32", dtype=np.float32).reshape(-1, dim)
ours = [list(map(int, line.split(","))) for line in open(f"{directory}/ours-{n}.txt").read().splitlines()]
times, agree = [], 0
for i, q in enumerate(queries):
    q = q / np.linalg.norm(q)
    t = time.perf_counter()
    scores = m @ q
    top = np.argpartition(-scores, 10)[:10]
    top = top[np.argsort(-scores[top])]
    times.append((time.perf_counter() - t) * 1000)
    agree += len(set(top.tolist()) & set(ours[i]))
times.sort()
print(f"numpy n={n} query_p50={times[len(times)//2]:.2f}ms query_mean={sum(times)/len(times):.2f}ms "
      f"top10_agreement_with_ours={agree / (10 * len(queries)):.3f}")
