#!/usr/bin/env bash
# Vendor GOV.UK Frontend's compiled CSS, JS and assets into static/govuk-frontend/.
# Usage: scripts/update_govuk_frontend.sh [version]   (default: the version in VERSION, else 6.6.0)
#
# Fonts are left out on purpose: GDS Transport and the crown are reserved for GOV.UK services,
# so static/css/app.css sets Arial instead.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=static/govuk-frontend
default_version=6.6.0
if [ -f "$dest/VERSION" ]; then default_version=$(cat "$dest/VERSION"); fi
version="${1:-$default_version}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "govuk-frontend@$version" >/dev/null)
tar -xzf "$tmp"/govuk-frontend-*.tgz -C "$tmp"
src="$tmp/package/dist/govuk"
for file in govuk-frontend.min.css govuk-frontend.min.js; do
  [ -f "$src/$file" ] || { echo "govuk-frontend@$version has no dist/govuk/$file" >&2; exit 1; }
done

rm -rf "$dest"
mkdir -p "$dest/assets"
cp "$src/govuk-frontend.min.css" "$src/govuk-frontend.min.js" "$dest/"
# Source maps are referenced from the minified files; keep them if the package has them.
for map in govuk-frontend.min.css.map govuk-frontend.min.js.map; do
  if [ -f "$src/$map" ]; then cp "$src/$map" "$dest/"; fi
done
cp -R "$src/assets/images" "$dest/assets/"
if [ -f "$src/assets/manifest.json" ]; then cp "$src/assets/manifest.json" "$dest/assets/"; fi
cp "$tmp/package/LICENSE.txt" "$dest/" 2>/dev/null || true
echo "$version" > "$dest/VERSION"
echo "GOV.UK Frontend $version vendored into $dest"
