"""bench/metrics.py's baseline: bench/pagesite.py without coursecerts/ops' request middleware."""

from pagesite import *  # noqa: F403

MIDDLEWARE = [name for name in MIDDLEWARE if name != "coursecerts.ops.middleware.OpsMiddleware"]  # noqa: F405
