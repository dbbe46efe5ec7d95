#!/usr/bin/env bash
# docs/osbuild.1, docs/commands.md and docs/configuration.md are generated from the command
# definitions and the settings tables: the committed files must equal what this binary generates,
# name every command, setting and environment variable, and the man page must render.
. "$(dirname "$0")/lib.bash"

out=$("$OSBUILD_SOURCE_DIR/scripts/gen-docs.sh" --check "$OSBUILD" 2>&1)
[ $? = 0 ] || fail "committed docs differ from the generated ones: $out"

run docs man
expect_status 0
man_text=$out
run docs commands
expect_status 0
commands_md=$out
run docs configuration
expect_status 0
configuration_md=$out

# Every command `osbuild --help` lists is in the man page and the command reference.
commands=$("$OSBUILD" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}')
[ -n "$commands" ] || fail "no commands found in --help"
for c in $commands; do
  case "$man_text" in *".SS \"osbuild $c\""*) ;; *) fail "man page lacks osbuild $c" ;; esac
  case "$commands_md" in *"## osbuild $c"*) ;; *) fail "commands.md lacks osbuild $c" ;; esac
done
# Subcommands and options come from the same definitions.
for text in "### osbuild build variant" "### osbuild repo validate" '`--keep-going`' '`--color`'; do
  case "$commands_md" in *"$text"*) ;; *) fail "commands.md lacks $text" ;; esac
done

# Every setting, its environment variables and every file kind are in the configuration reference.
for word in BUILDSYS_ARCH BUILDSYS_VARIANT PUBLISH_EXPIRATION_POLICY_PATH PUBLISH_INFRA_CONFIG_PATH \
  OSBUILD_CACHE_DIR '`cache.max-size`' '### package.toml' '### Infra.toml' '### waves.toml' \
  '`root_role_sha512`' '`included-packages`' '`sha512`' '`start_after`'; do
  case "$configuration_md" in *"$word"*) ;; *) fail "configuration.md lacks $word" ;; esac
done
case "$man_text" in *".B BUILDSYS_ARCH"*) ;; *) fail "man page lacks ENVIRONMENT BUILDSYS_ARCH" ;; esac
for code in 0 1 2 3 130; do
  case "$man_text" in *".B $code"*) ;; *) fail "man page lacks exit status $code" ;; esac
done

# The man page renders without roff warnings.
warnings=$(groff -man -Tutf8 -ww -z "$OSBUILD_SOURCE_DIR/docs/osbuild.1" 2>&1)
[ -z "$warnings" ] || fail "groff warnings: $warnings"
rendered=$(groff -man -Tascii "$OSBUILD_SOURCE_DIR/docs/osbuild.1" 2>/dev/null | col -b)
case "$rendered" in *"osbuild release"*"EXIT STATUS"*) ;; *) fail "man page did not render: $rendered" ;; esac

run docs nonsense
expect_status 2
finish
