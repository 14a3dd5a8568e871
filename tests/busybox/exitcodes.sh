# Scenario: exit statuses and signals-free process plumbing seen through sh.
export TZ=UTC LC_ALL=C
sh -c 'exit 0'; echo "exit $?"
sh -c 'exit 1'; echo "exit $?"
sh -c 'exit 255'; echo "exit $?"
sh -c 'exit 256'; echo "exit $?"
nonexistent-command 2>/dev/null; echo "missing $?"
echo 'echo from script "$@"' > s.sh
chmod 644 s.sh
./s.sh 2>/dev/null; echo "not executable $?"
chmod 755 s.sh
sh ./s.sh a b
printf '#!/bin/busybox sh\necho shebang "$0" "$1"\n' > t.sh
chmod +x t.sh
./t.sh arg | sed 's|/tmp/[^ ]*/||'
# No SIGPIPE before the signals issue: keep yes quiet about EPIPE.
yes 2>/dev/null | head -n 3
seq 3 | while read l; do echo "line $l"; done
echo $( (exit 7); echo $? )
echo end
