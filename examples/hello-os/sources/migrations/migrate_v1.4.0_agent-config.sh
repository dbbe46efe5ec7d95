#!/bin/sh
# Migration for hello-os 1.4.0: settings.agent.level became settings.hello-agent.log-level.
# Called as Bottlerocket's migrator calls a migration:
#   migrate_v1.4.0_agent-config (--forward | --backward) --source-datastore DIR --target-datastore DIR
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
old="$target/settings/agent/level" new="$target/settings/hello-agent/log-level"
if [ "$direction" = --forward ]; then from=$old to=$new; else from=$new to=$old; fi
if [ -e "$from" ]; then
  mkdir -p "${to%/*}"
  mv "$from" "$to"
  rmdir "${from%/*}" 2>/dev/null || true
fi
