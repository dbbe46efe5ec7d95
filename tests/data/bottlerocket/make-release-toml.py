#!/usr/bin/env python3
"""Writes Release.toml: a fixture in the shape of Bottlerocket's own (release 1.26.1, 369 lines),
with every transition from 0.3.1 to 1.26.1 and multi-line lists of migration file names. The
names are made up but deterministic, so running this again gives the same file."""
import random
import sys

VERSIONS = """
0.3.1 0.3.2 0.3.3 0.3.4 0.4.0 0.4.1 0.5.0 1.0.0 1.0.1 1.0.2 1.0.3 1.0.4 1.0.5 1.0.6 1.0.7 1.0.8
1.1.0 1.1.1 1.1.2 1.1.3 1.1.4 1.2.0 1.2.1 1.3.0 1.4.0 1.4.1 1.4.2 1.5.0 1.5.1 1.5.2 1.5.3 1.6.0
1.6.1 1.6.2 1.7.0 1.7.1 1.7.2 1.8.0 1.9.0 1.9.1 1.9.2 1.10.0 1.10.1 1.11.0 1.11.1 1.12.0 1.13.0
1.13.1 1.13.2 1.13.3 1.13.4 1.13.5 1.14.0 1.14.1 1.14.2 1.14.3 1.15.0 1.15.1 1.16.0 1.16.1 1.17.0
1.18.0 1.19.0 1.19.1 1.19.2 1.19.3 1.19.4 1.19.5 1.20.0 1.20.1 1.20.2 1.20.3 1.20.4 1.20.5 1.21.0
1.21.1 1.22.0 1.23.0 1.23.1 1.24.0 1.24.1 1.25.0 1.26.0 1.26.1
""".split()

NAMES = """
admin-container-v0-5-0 control-container-v0-4-1 add-lockdown sysctl-subcommand
kubelet-server-tls-bootstrap ecr-helper-admin pluto-proxy-settings host-containers-superpowered
kubernetes-eviction-hard metadata-for-settings-network boot-config-settings
aws-config-settings kernel-modules-autoload oci-defaults-containerd container-registry-mirrors
kubelet-cpu-manager-policy dns-settings ntp-settings bootstrap-containers-mode
public-admin-container-v0-9-0 public-control-container-v0-6-0 kubelet-image-gc-thresholds
cluster-dns-ip-list network-proxy-settings corndog-settings cloudformation-settings
pki-settings hostname-override-source memory-manager-policy shutdown-grace-period
""".split()


def main():
    rng = random.Random(19)
    lines = ['version = "%s"' % VERSIONS[-1], "", "[migrations]"]
    for before, after in zip(VERSIONS, VERSIONS[1:]):
        count = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
        names = sorted(rng.sample(NAMES, count))
        files = ['"migrate_v%s_%s.lz4"' % (after, n) for n in names]
        key = '"(%s, %s)"' % (before, after)
        if len(files) <= 1:
            lines.append("%s = [%s]" % (key, ", ".join(files)))
        else:
            lines.append("%s = [" % key)
            lines.extend("    %s," % f for f in files)
            lines.append("]")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
