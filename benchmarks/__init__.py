"""Benchmarks of autodiff against its peers (issue 5); run them with ``nox -s bench``.

Each workload is a module with a ``case(quick, lib)`` function; ``python -m benchmarks``
times every (workload, library) pair in its own child process and writes the results.
"""

#: The workloads, in report order: id -> module.
WORKLOADS = {
    "W1": "w1_scalar_mlp",
    "W2": "w2_deep_chain",
    "W3": "w3_mlp",
    "W4": "w4_per_op",
    "W5": "w5_value_and_grad",
    "W6": "w6_hessian",
}
