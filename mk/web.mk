# The sweep page (operators/ClusterTune.Operator/Web, `ctune ui`, `ctune report`): the browser tests in
# tests/ClusterTune.Cli.Tests/Web drive Debian's chromium headless through Playwright (its own browser download is not
# reachable here, so the tests give it /usr/bin/chromium).
APT_PACKAGES += chromium
