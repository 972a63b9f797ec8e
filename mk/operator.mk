# The operator's silos keep their membership in Redis on a cluster; the multi-process tests run Debian's redis-server.
APT_PACKAGES += redis-server
