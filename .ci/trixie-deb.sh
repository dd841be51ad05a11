#!/usr/bin/env bash
# Usage: trixie-deb.sh PACKAGE DIR — downloads PACKAGE's .deb from Debian trixie (the release after bookworm) into
# DIR, from the Debian mirror this machine's apt already uses, without adding trixie to the machine's apt sources:
# apt reads a source list and package lists of its own in a temporary folder, so bookworm's upgrades never see it.
set -euo pipefail
package=$1 dir=$2

mirror=$(grep -h -m1 -E '^URIs: .*/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)
[ -n "$mirror" ] || mirror=$(grep -h -m1 -E '^deb .*/debian/? bookworm' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' || true)
[ -n "$mirror" ] || { echo "trixie-deb: no Debian mirror found in the apt sources" >&2; exit 1; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$dir"
# the source list lives outside the lists folder: apt update deletes what it does not know there
printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" >"$work/trixie.sources"
apt_o=(-o "Dir::Etc::SourceList=$work/trixie.sources" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
apt-get "${apt_o[@]}" update -qq
(cd "$dir" && apt-get "${apt_o[@]}" download "$package/trixie" >/dev/null)
