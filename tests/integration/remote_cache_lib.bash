# Shared by tests/integration/remote_cache_*.sh and bench/remote/run.sh (sourced; no .sh suffix):
# a real nginx with WebDAV PUT on 127.0.0.1, a free port, everything under $TEST_TMP/nginx.
[ -x /usr/sbin/nginx ] || { echo "nginx is missing: run scripts/install-deps.sh"; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_nginx [EXTRA_LOCATION]: serves $NGINX_ROOT/cache/ at $REMOTE (http://127.0.0.1:PORT/cache).
# A second location, /ro/, serves the same files read-only (GET and HEAD only).
start_nginx() {
  local dir=$TEST_TMP/nginx user=""
  NGINX_ROOT=$dir/root
  mkdir -p "$dir/logs" "$dir/tmp" "$NGINX_ROOT/cache"
  NGINX_PORT=${NGINX_PORT:-$(free_port)}
  [ "$(id -u)" = 0 ] && user="user root root;"
  cat >"$dir/nginx.conf" <<CONF
$user
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 64; }
http {
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /cache/ {
      root $NGINX_ROOT;
      dav_methods PUT;
      create_full_put_path on;
      client_max_body_size 0;
    }
    location /ro/ {
      alias $NGINX_ROOT/cache/;
      limit_except GET { deny all; }
    }
  }
}
CONF
  /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
  NGINX_PID=$!
  on_exit 'stop_nginx'
  REMOTE=http://127.0.0.1:$NGINX_PORT/cache
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && return 0
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "nginx did not start: $(cat "$dir/logs/error.log" 2>/dev/null)"
  exit 1
}

stop_nginx() {
  [ -n "${NGINX_PID:-}" ] || return 0
  kill "$NGINX_PID" 2>/dev/null
  wait "$NGINX_PID" 2>/dev/null
  NGINX_PID=
}

# remote_project DIR: four script packages, one a C program compiled with $CC.
remote_project() {
  script_project "$1"
  script_package base 'mkdir -p "$OSBUILD_DESTDIR/usr/share" && echo base >"$OSBUILD_DESTDIR/usr/share/base"'
  script_package hello 'cd "$TMPDIR" && printf "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n" >hello.c &&
$CC $CFLAGS -o hello hello.c && mkdir -p "$OSBUILD_DESTDIR/usr/bin" && cp hello "$OSBUILD_DESTDIR/usr/bin/hello"' 'depends = ["base"]'
  script_package data 'mkdir -p "$OSBUILD_DESTDIR/usr/share/data" && head -c 300000 /dev/zero | tr "\0" x >"$OSBUILD_DESTDIR/usr/share/data/blob"'
  script_package top 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo top >"$OSBUILD_DESTDIR/etc/top"' 'depends = ["hello", "data"]'
}

# A digest of every file build/packages/ holds, for comparing two checkouts.
packages_digest() {
  (cd "$1/build/packages" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# Lines of $out that are remote cache warnings.
remote_warnings() { printf '%s\n' "$out" | grep -c '^osbuild: warning: remote cache' || true; }

# two_checkouts: nginx started, remote_project in $TEST_TMP/a, a copy of it in $TEST_TMP/b, and
# the current folder A.
two_checkouts() {
  start_nginx
  remote_project "$TEST_TMP/a"
  cp -a "$TEST_TMP/a" "$TEST_TMP/b"
  cd "$TEST_TMP/a" || exit 1
}
