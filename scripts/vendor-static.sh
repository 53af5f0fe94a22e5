#!/bin/sh
# Copy vendored front-end files from node_modules into src/openpark/static/vendor.
# Usage (from anywhere):  npm ci && scripts/vendor-static.sh
# Set NODE_MODULES=/other/path/node_modules to copy from an install elsewhere.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NM=${NODE_MODULES:-"$ROOT/node_modules"}
DEST="$ROOT/src/openpark/static/vendor"

for pkg in htmx.org echarts leaflet leaflet.heat compressorjs blueimp-canvas-to-blob is-blob; do
    [ -d "$NM/$pkg" ] || { echo "missing $NM/$pkg - run 'npm ci' first" >&2; exit 1; }
done

# htmx
rm -rf "$DEST/htmx" && mkdir -p "$DEST/htmx"
cp "$NM/htmx.org/dist/htmx.min.js" "$NM/htmx.org/LICENSE" "$DEST/htmx/"

# echarts (echarts.min.js bundles zrender, so keep its licence too)
rm -rf "$DEST/echarts" && mkdir -p "$DEST/echarts/licenses"
cp "$NM/echarts/dist/echarts.min.js" "$NM/echarts/LICENSE" "$NM/echarts/NOTICE" "$DEST/echarts/"
cp "$NM/echarts/licenses/LICENSE-d3" "$DEST/echarts/licenses/"
cp "$NM/zrender/LICENSE" "$DEST/echarts/licenses/LICENSE-zrender"

# leaflet (leaflet.js names its source map, which collectstatic's manifest storage must find)
rm -rf "$DEST/leaflet" && mkdir -p "$DEST/leaflet/images"
cp "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.js.map" "$NM/leaflet/dist/leaflet.css" \
   "$NM/leaflet/LICENSE" "$DEST/leaflet/"
cp "$NM/leaflet/dist/images/"*.png "$DEST/leaflet/images/"

# leaflet.heat (its dist file bundles simpleheat, by the same author under the same licence)
rm -rf "$DEST/leaflet.heat" && mkdir -p "$DEST/leaflet.heat"
cp "$NM/leaflet.heat/dist/leaflet-heat.js" "$NM/leaflet.heat/LICENSE" "$DEST/leaflet.heat/"

# compressorjs (compressor.min.js bundles blueimp-canvas-to-blob and is-blob, so keep their licences too)
rm -rf "$DEST/compressorjs" && mkdir -p "$DEST/compressorjs/licenses"
cp "$NM/compressorjs/dist/compressor.min.js" "$NM/compressorjs/LICENSE" "$DEST/compressorjs/"
cp "$NM/blueimp-canvas-to-blob/LICENSE.txt" "$DEST/compressorjs/licenses/LICENSE-blueimp-canvas-to-blob"
cp "$NM/is-blob/license" "$DEST/compressorjs/licenses/LICENSE-is-blob"

# Every source map a vendored file names must be there too, or `collectstatic` fails in
# production (whitenoise's CompressedManifestStaticFilesStorage resolves these references).
missing=0
for file in $(grep -rlE 'sourceMappingURL=' "$DEST" --include='*.js' --include='*.css'); do
    for map in $(grep -oE 'sourceMappingURL=[^ *"]+' "$file" | sed 's/^sourceMappingURL=//'); do
        case "$map" in data:*) continue ;; esac
        [ -f "$(dirname "$file")/$map" ] || { echo "$file names $map, which is missing" >&2; missing=1; }
    done
done
[ "$missing" -eq 0 ] || exit 1

echo "vendored: htmx.org $(node -p "require('$NM/htmx.org/package.json').version" 2>/dev/null || echo '?'), echarts $(node -p "require('$NM/echarts/package.json').version" 2>/dev/null || echo '?'), leaflet $(node -p "require('$NM/leaflet/package.json').version" 2>/dev/null || echo '?'), leaflet.heat $(node -p "require('$NM/leaflet.heat/package.json').version" 2>/dev/null || echo '?'), compressorjs $(node -p "require('$NM/compressorjs/package.json').version" 2>/dev/null || echo '?') -> $DEST"
