#!/usr/bin/env bash
# The OCA addons the outbox is tested beside, from their published 18.0
# wheels (pinned here): downloaded once into the cache, each addon folder
# (odoo/addons/<name> inside the wheel) unpacked into a cached addons folder
# that dev/odoo puts on the addons path. Nothing of theirs enters the
# repository. Prints the folder. Run by dev/bootstrap.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"
wheels="$MDS_CACHE/wheels"
target="$MDS_OCA_ADDONS"
if [[ -f "$target/.complete" ]]; then
  echo "$target"
  exit 0
fi
mkdir -p "$wheels"
tmp="$target.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
for pin in "${MDS_OCA_PINS[@]}"; do
  "$MDS_VENV/bin/pip" download -q --disable-pip-version-check --no-deps -d "$wheels" "$pin" >&2
done
"$MDS_VENV/bin/python" - "$wheels" "$tmp" "${MDS_OCA_PINS[@]}" <<'PY'
import pathlib
import sys
import zipfile

wheels, target, pins = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3:]
for pin in pins:
    name, version = pin.split("==")
    stem = "%s-%s-" % (name.replace("-", "_"), version)
    (wheel,) = [path for path in wheels.glob("*.whl") if path.name.startswith(stem)]
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith("odoo/addons/")]
        for member in members:
            relative = pathlib.Path(*pathlib.Path(member).parts[2:])
            if member.endswith("/") or not relative.parts:
                continue
            out = target / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(archive.read(member))
PY
touch "$tmp/.complete"
rm -rf "$target"
mv "$tmp" "$target"
echo "$target"
