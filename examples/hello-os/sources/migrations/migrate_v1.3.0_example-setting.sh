#!/bin/sh
# Migration for hello-os 1.3.0: add settings.example.setting (default "hello") going forward,
# remove it going back. Called as Bottlerocket's migrator calls a migration:
#   migrate_v1.3.0_example-setting (--forward | --backward) --source-datastore DIR --target-datastore DIR
set -eu
direction='' source='' target=''
while [ $# -gt 0 ]; do
  case "$1" in
    --forward|--backward) direction=$1 ;;
    --source-datastore) source=$2; shift ;;
    --target-datastore) target=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$direction" ] || [ ! -d "$source" ] || [ -z "$target" ]; then
  echo "usage: $0 --forward|--backward --source-datastore DIR --target-datastore DIR" >&2
  exit 2
fi
mkdir -p "$target"
cp -a "$source/." "$target/"
key="$target/settings/example/setting"
if [ "$direction" = --forward ]; then
  [ -e "$key" ] || { mkdir -p "${key%/*}"; printf '"hello"' >"$key"; }
else
  rm -f "$key"
  rmdir "${key%/*}" 2>/dev/null || true
fi
