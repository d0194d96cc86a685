#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) into $1 from the Go module proxy, with one patch.
#
# The patch: FerretDB's SQLite backend creates its unique `_id` index on `_ferretdb_sjson->"_id"` but
# filters by `_ferretdb_sjson->'$._id'`; SQLite matches expression indexes only by their text, so every
# find, update and delete by `_id` scanned the whole table (30 `_id` lookups in a 3 000-document
# collection took seconds). The patch makes the filter the indexed expression; data files are unchanged.
set -euo pipefail
OUT="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(dirname "$OUT")/ferretdb-build"
MODULE="github.com/FerretDB/FerretDB"
VERSION="v1.24.2"
FILE="internal/backends/sqlite/metadata/metadata.go"
FROM="IDColumn = DefaultColumn + \"->'\$._id'\""
TO="IDColumn = DefaultColumn + \`->\"_id\"\`"

cd "$HERE"
src="$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "could not download $MODULE@$VERSION" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK/src"
cp -r "$src/." "$WORK/src/"
chmod -R u+w "$WORK/src"
[ "$(grep -cF "$FROM" "$WORK/src/$FILE")" = 1 ] || { echo "patch does not apply: '$FROM' not found once in $FILE" >&2; exit 1; }
FROM="$FROM" TO="$TO" python3 - "$WORK/src/$FILE" <<'PY'
import os, sys
p = sys.argv[1]
s = open(p).read()
open(p, 'w').write(s.replace(os.environ['FROM'], os.environ['TO']))
PY

mkdir -p "$WORK/main"
cp go.mod go.sum main.go "$WORK/main/"
cd "$WORK/main"
go mod edit -replace="$MODULE=$WORK/src"
go build -trimpath -o "$OUT" .
rm -rf "$WORK"
