"""Settings of the load run's app servers: the site's own, with the bench's URLconf added."""

from parsecgo_site.settings import *  # noqa: F403

# The whole site plus the trivial views the load run times beside it (bench/urls.py).
ROOT_URLCONF = "bench.urls"
