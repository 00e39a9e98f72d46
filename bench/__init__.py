"""`make bench`: how fast the advisor is, measured on this machine (issue 6's budget).

Not part of `make test`: timings belong in a benchmark, never in a unit test.
Every figure prints as `name: value unit`.
"""
