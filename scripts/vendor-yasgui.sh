#!/bin/sh
# Fetch the YASGUI build that kg/static/yasgui/ ships, from the npm registry, and check it
# against the registry's published integrity hash. Run from the repository root; bump VERSION
# (and NOTICE.md) to upgrade.
set -eu
VERSION=4.6.2
INTEGRITY=sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$VERSION" >/dev/null)
tarball="$work/zazuko-yasgui-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
[ "$actual" = "$INTEGRITY" ] || { echo "checksum mismatch: $actual" >&2; exit 1; }
tar -xzf "$tarball" -C "$work"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" kg/static/yasgui/
echo "kg/static/yasgui/: @zazuko/yasgui $VERSION"
