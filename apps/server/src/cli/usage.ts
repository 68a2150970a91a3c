/** The usage text: printed by `nslab --help`, so this module imports nothing. */
export const USAGE = `usage: nslab COMMAND [ARGS]

  validate FILE          check a lab file (or a workshop file); one "path: message" line per error
  plan FILE              print the commands deploy would run now (runs nothing)
  deploy FILE [--verbose]   make the host match the lab (reconcile); prints a summary line
                         (progress on a terminal); -v, --verbose: every command as it runs
  destroy FILE|NAME [--verbose]   remove everything the lab owns (--verbose as deploy)
  status FILE|NAME       compare the host with the lab; exit 3 on drift
  clean                  remove everything that carries an nslab mark
  check FILE             run the lab's checks on the host; exit 0 only if all pass
  templates              list the teaching labs (one per seed scenario)
  new TEMPLATE [FILE]    write a template's lab file (to FILE, or standard output)
  export-script FILE     a standalone bash script that builds the lab
  import-script SCRIPT [--name N]   read ip/iptables/sysctl commands (a seed document
                         works too) and print the lab as YAML; warnings name their line
  import-clab FILE [--name N]   read a containerlab topology and print the lab as YAML; what nslab cannot do is a warning naming its YAML path
  export-clab FILE [--image IMG]   a containerlab topology (linux nodes with exec lines) that builds the lab
  discover [--all] [--name N] [--script]   the live host as lab YAML (nslab's namespaces,
                         or --all of them), veth peers resolved across namespaces;
                         --script: the commands that build it, as plan prints them
  capabilities           what this kernel and host support
  serve [--port P] [--host H] [--data-dir D] [--no-token] [--remote-token]
                         the web app and its API; prints the address to open (with its
                         token: every request needs it; off loopback, from this machine only
                         unless --remote-token); labs and the token are kept in D (default
                         NSLAB_DATA_DIR, else /var/lib/nslab); NSLAB_TOKEN: the token to use
                         (16–512 characters of A–Z a–z 0–9 . _ ~ -), else a new one
  token [--data-dir D]   print the running server's token (from <data dir>/token; root only)
  exec [--sandbox S] LAB NODE -- CMD [ARG...]   run CMD in NODE as its terminal would;
                         its output and exit code are passed through
  trace [--sandbox S] LAB FROM TO [--proto icmp|tcp|udp] [--port P] [--json] [--no-probe]
                         the path one packet takes from node FROM (or NODE:IF) to TO (a node
                         or an address), hop by hop, from kernel state, then one real packet
                         traced by netfilter (--no-probe: the model only); exit 0 delivered,
                         1 dropped, 2 cannot trace
  sandbox list           workshop sandboxes: user-namespace isolated places for labs
  sandbox create S [--pids N] [--memory MIB]   make one with these limits (deploy
                         --sandbox makes one with the defaults on first use)
  sandbox rm S           remove a sandbox and everything in it (processes, labs, limits)

deploy, destroy, status, check and trace take --sandbox S: the lab then lives inside
sandbox S, whose root is root only there; nothing unmarked changes on the host.

exit codes: 0 ok, 1 invalid or refused (nothing ran), 2 failed (rolled back), 3 drift`;
