#!/bin/sh
# predator-entrypoint: the entrypoint of the Predator image (Dockerfile). Runs as the image's unprivileged
# user `predator`; the same script runs outside a container (tests/integration/test_container_layout.py).
#
#   predator-entrypoint COMMAND [ARG...]   check PREDATOR_HOME, then exec COMMAND (e.g. predator run ...)
#   predator-entrypoint candle-files       print the candle file of every symbol in PREDATOR_SYMBOLS
#   predator-entrypoint load-candles       load those files (predator data load), as the worker login
#
# PREDATOR_HOME (default /var/lib/predator) holds the logs (logs/predator.jsonl) and, for the migrate
# service, the secrets: it must be a directory this user can write. The image creates it and its logs/
# directory owned by `predator`, and a fresh named volume mounted there inherits that ownership. A bind
# mount or a volume created by another image keeps its own owner: then this script stops with exit code 78
# (EX_CONFIG) and says which uid needs write access, instead of a PermissionError from deep inside a command.
# PREDATOR_SYMBOLS: comma-separated ccxt symbols the worker trades (BTC/USDT,ETH/USDT); PREDATOR_DATA: the
# directory holding candles/<venue>_<BASE>-<QUOTE>_1h.csv.gz; PREDATOR_VENUE: that <venue> (binance).
set -eu

home="${PREDATOR_HOME:-/var/lib/predator}"
export PREDATOR_HOME="$home"

refuse() {
    echo "predator-entrypoint: $1" >&2
    echo "predator-entrypoint: PREDATOR_HOME=$home must be a directory writable by uid $(id -u) (gid $(id -g));" \
         "the image creates it for user predator. For a bind mount: chown -R $(id -u):$(id -g) <host dir>;" \
         "for an old volume: docker compose down -v, or chown it in a root container." >&2
    exit 78
}

[ -d "$home" ] || mkdir -p "$home" 2>/dev/null || refuse "cannot create $home"
[ -w "$home" ] || refuse "cannot write to $home"
mkdir -p "$home/logs" 2>/dev/null || refuse "cannot create $home/logs"
[ -w "$home/logs" ] || refuse "cannot write to $home/logs"

candle_files() {
    symbols="${PREDATOR_SYMBOLS:?set PREDATOR_SYMBOLS to the symbols the worker trades, e.g. BTC/USDT,ETH/USDT}"
    for symbol in $(echo "$symbols" | tr ',' ' '); do
        echo "${PREDATOR_DATA:-/data}/candles/${PREDATOR_VENUE:-binance}_$(echo "$symbol" | tr '/' '-')_1h.csv.gz"
    done
}

case "${1:-}" in
    "")
        exec predator --help ;;
    candle-files)
        candle_files ;;
    load-candles)
        # shellcheck disable=SC2046  # one argument per file; the names hold no spaces
        exec predator data load $(candle_files) ;;
    *)
        exec "$@" ;;
esac
