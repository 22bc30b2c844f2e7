#!/bin/sh
# episode-add.sh [--show NAME] AUDIO "TITLE" [onair new episode options]
# The shell hook of the episode workflow; `episode-add.sh --help` explains it.
# POSIX sh: runs under dash, bash, busybox sh. No eval anywhere, every expansion quoted, so
# paths and titles with spaces, quotes, `$` and non-ASCII characters pass through unchanged.

prog=${0##*/}

usage() {
    cat <<EOF
Usage: $prog [--show NAME] AUDIO "TITLE" [OPTIONS]

Adds an episode to an onair site in one step:
  1. copies AUDIO into the site's audio/ folder (in a network, the show's:
     shows/NAME/audio/; if a file of that name is already there, it must have the same
     content; a different file of the same name is refused),
  2. runs \`onair new episode\`, which probes the audio and writes episodes/DATE-SLUG.md
     with the next episode number,
  3. runs \`onair check\` on the site.
If any step fails it removes what it created, says why and exits non-zero. On success it
prints the new episode file's path; edit it to add the summary and show notes.

--show NAME  in a network (a site with shows/), the show the episode is for: its folder
             name in shows/ or the name it is published under. A network needs it.

OPTIONS are passed to \`onair new episode\`: --date, --summary, --tag (repeatable),
--season, --number, --draft. See \`onair new episode --help\`.

Environment:
  ONAIR_SITE  the site folder (default: the nearest folder, from the current one upward,
              that holds a site.yaml)
  ONAIR       the onair program (default: onair on PATH)

Exit status: 0 added, 1 a step failed (nothing left behind), 2 wrong usage.

Examples:
  $prog ~/Recordings/ep12-final.mp3 "Twelve: the one about backups"
  ONAIR_SITE=~/podcast $prog "/media/drop box/ep 13.mp3" "Café talk" --tag interview
  ONAIR_SITE=~/network $prog --show night-shift ~/Recordings/story.mp3 "The Last Tram"
EOF
}

say() {
    printf '%s: %s\n' "$prog" "$*" >&2
}

# What this run created, removed again by `cleanup` unless the run succeeds.
created_audio=
created_audio_dir=
created_episode=
partial_copy=
succeeded=

cleanup() {
    if [ -n "$partial_copy" ]; then
        rm -f -- "$partial_copy"
    fi
    if [ -z "$succeeded" ]; then
        if [ -n "$created_episode" ]; then
            rm -f -- "$created_episode" && say "removed $created_episode"
        fi
        if [ -n "$created_audio" ]; then
            rm -f -- "$created_audio" && say "removed $created_audio"
        fi
        if [ -n "$created_audio_dir" ]; then
            rmdir -- "$created_audio_dir" 2>/dev/null
        fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

fail() {
    say "error: $*"
    exit 1
}

case ${1-} in
    -h | --help)
        usage
        exit 0
        ;;
esac
# --show NAME (or --show=NAME) comes first: it decides where the audio is copied to.
show=
has_show=
case ${1-} in
    --show)
        if [ $# -lt 2 ]; then
            say "error: --show needs the show's name"
            exit 2
        fi
        show=$2
        has_show=yes
        shift 2
        ;;
    --show=*)
        show=${1#--show=}
        has_show=yes
        shift
        ;;
esac
if [ -n "$has_show" ] && [ -z "$show" ]; then
    say "error: --show needs the show's name"
    exit 2
fi
if [ $# -lt 2 ]; then
    usage >&2
    exit 2
fi
audio=$1
title=$2
shift 2
if [ -z "$title" ]; then
    say "error: the title is empty"
    exit 2
fi
for arg in "$@"; do
    case $arg in
        --show | --show=*)
            say "error: give --show NAME first, before AUDIO: $prog --show NAME AUDIO \"TITLE\""
            exit 2
            ;;
    esac
done

# The onair program: $ONAIR (a path or a command name), else onair on PATH.
if [ -n "${ONAIR-}" ]; then
    onair=$ONAIR
    command -v -- "$onair" >/dev/null 2>&1 ||
        fail "ONAIR=$ONAIR is not a program that can be run"
else
    onair=$(command -v onair) ||
        fail "onair is not on PATH: install it, or set ONAIR to the onair program"
fi

# The site: $ONAIR_SITE, else the nearest folder from here upward that holds a site.yaml.
if [ -n "${ONAIR_SITE-}" ]; then
    [ -f "$ONAIR_SITE/site.yaml" ] ||
        fail "ONAIR_SITE=$ONAIR_SITE is not an onair site (it has no site.yaml)"
    site=$(cd -- "$ONAIR_SITE" && pwd -P) || fail "cannot enter $ONAIR_SITE"
else
    here=$(pwd -P) || fail "cannot read the current folder"
    dir=$here
    while [ ! -f "$dir/site.yaml" ]; do
        if [ "$dir" = / ]; then
            fail "no site found: no site.yaml in $here or any folder above it (cd into the site, or set ONAIR_SITE)"
        fi
        dir=${dir%/*}
        [ -n "$dir" ] || dir=/
    done
    site=$dir
fi

# In a network (a site with shows/), the show's folder: NAME is a folder of shows/, or the
# slug it is published under (lowercase ASCII words joined by -).
slug() {
    printf '%s\n' "$1" | LC_ALL=C tr 'A-Z' 'a-z' | LC_ALL=C sed 's/[^a-z0-9][^a-z0-9]*/-/g; s/^-//; s/-$//'
}
show_names() {
    names=
    for d in "$site"/shows/*/; do
        [ -f "${d}show.yaml" ] || continue
        d=${d%/}
        names="$names${names:+, }${d##*/}"
    done
    printf '%s\n' "$names"
}
target=$site
if [ -d "$site/shows" ]; then
    if [ -z "$has_show" ]; then
        say "error: $site is a network: say which show the episode is for with --show NAME (the shows: $(show_names))"
        exit 2
    fi
    want=$(slug "$show")
    for d in "$site"/shows/*/; do
        [ -f "${d}show.yaml" ] || continue
        d=${d%/}
        if [ "${d##*/}" = "$show" ] || [ "$(slug "${d##*/}")" = "$want" ]; then
            target=$d
            break
        fi
    done
    if [ "$target" = "$site" ]; then
        say "error: --show $show: $site has no such show (the shows: $(show_names))"
        exit 2
    fi
    # onair finds the show by its folder name too.
    set -- --show "${target##*/}" "$@"
elif [ -n "$has_show" ]; then
    say "error: --show $show: $site is a single-show site (it has no shows/ folder); leave out --show"
    exit 2
fi

# The audio file, and where it goes.
[ -e "$audio" ] || fail "$audio: no such file"
[ -f "$audio" ] || fail "$audio: not a regular file"
[ -r "$audio" ] || fail "$audio: cannot be read"
name=${audio##*/}
case $audio in
    */*) audio_dir=${audio%/*} ;;
    *) audio_dir=. ;;
esac
[ -n "$audio_dir" ] || audio_dir=/
audio_abs=$(cd -- "$audio_dir" && pwd -P) || fail "cannot enter the folder of $audio"
audio_abs=${audio_abs%/}/$name
case $name in
    .*) fail "$name: the file name starts with a dot, which sites do not publish; rename it" ;;
esac

if [ ! -d "$target/audio" ]; then
    mkdir -- "$target/audio" || fail "cannot create $target/audio"
    created_audio_dir=$target/audio
fi
dest=$target/audio/$name

if [ "$audio_abs" = "$dest" ]; then
    : # Already the site's own file.
elif [ -e "$dest" ] || [ -h "$dest" ]; then
    if cmp -s -- "$audio" "$dest"; then
        say "$dest is already there with the same content; using it"
    else
        fail "$dest already exists and is a different file: rename one of them (nothing was changed)"
    fi
else
    # Copy under a temporary name first, so an interrupted copy never looks like audio.
    partial_copy=$target/audio/.$name.episode-add.$$
    cp -- "$audio" "$partial_copy" || fail "cannot copy $audio to $target/audio/"
    mv -- "$partial_copy" "$dest" || fail "cannot move the copy to $dest"
    partial_copy=
    created_audio=$dest
fi

# `onair new episode` prints the new file's path on stdout; its errors go to stderr.
episode=$("$onair" new episode "$site" --audio "$dest" --title "$title" "$@") ||
    fail "onair new episode failed (see above); the episode was not added"
if [ -z "$episode" ] || [ ! -f "$episode" ]; then
    fail "onair new episode printed no episode file (got: $episode)"
fi
created_episode=$episode

# Drafts and future-dated episodes are only built (and so checked) with --drafts.
check_drafts=
for arg in "$@"; do
    case $arg in
        --draft | --date | --date=*) check_drafts=--drafts ;;
    esac
done
# shellcheck disable=SC2086 # check_drafts is empty or one word
"$onair" check $check_drafts "$site" >&2 ||
    fail "onair check found problems (see above), so the episode was not added"

succeeded=yes
printf '%s\n' "$episode"
