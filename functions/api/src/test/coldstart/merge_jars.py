# SPDX-License-Identifier: Apache-2.0
"""Merges a class folder and jars into one jar, as the shade plugin does for Vend's Lambda jar:
the first copy of each entry (directories included) wins, META-INF/services files are
concatenated, signatures and module-info are dropped. Usage: merge_jars.py <out.jar> <class dir> <jar>..."""
import os
import sys
import zipfile

SERVICES = "META-INF/services/"
SKIPPED = ("module-info.class", ".SF", ".DSA", ".RSA")

out, classes, jars = sys.argv[1], sys.argv[2], sys.argv[3:]
seen, services = set(), {}


def add(target, name, read, info=None):
    if name.endswith(SKIPPED):
        return
    if name.startswith(SERVICES):
        services.setdefault(name, []).append(read().decode("utf-8"))
        return
    if name in seen:
        return
    seen.add(name)
    target.writestr(info if info is not None else name, read())


with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
    for folder, _, files in os.walk(classes):
        for file in files:
            path = os.path.join(folder, file)
            name = os.path.relpath(path, classes).replace(os.sep, "/")
            for depth in range(1, name.count("/") + 1):
                # Directory entries too: Micronaut finds its bean definitions by listing
                # META-INF/micronaut/<service>/ as a resource.
                add(target, "/".join(name.split("/")[:depth]) + "/", lambda: b"")
            add(target, name, lambda p=path: open(p, "rb").read())
    for jar in (j for j in jars if j.endswith(".jar")):
        with zipfile.ZipFile(jar) as source:
            for info in source.infolist():
                add(target, info.filename, lambda i=info: source.read(i), info)
    for name, parts in services.items():
        target.writestr(name, "\n".join(part.strip("\n") for part in parts) + "\n")
