# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bkops_global_optspecs
    string join \n demo demo-speed= demo-seed= stack= theme= config= profile= region= context= all-contexts endpoint-url= utc read-only h/help V/version
end

function __fish_bkops_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bkops_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bkops_using_subcommand
    set -l cmd (__fish_bkops_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bkops -n "__fish_bkops_needs_command" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_needs_command" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_needs_command" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_needs_command" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_needs_command" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_needs_command" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_needs_command" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_needs_command" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_needs_command" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_needs_command" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_needs_command" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_needs_command" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_needs_command" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_needs_command" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_needs_command" -s V -l version -d 'Print version'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "status" -d 'Print one snapshot of the stacks, for scripts and chat bots'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "logs" -d 'Print an instance\'s log lines from every log group of its stack, merged in time order'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "scaling" -d 'Pause or resume a stack\'s autoscaling, or show whether it is paused and by whom'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "terminate" -d 'Terminate instances of a stack\'s Auto Scaling group, replacing them or shrinking it'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "ssm" -d 'Open a shell on an instance through Session Manager'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "why" -d 'Why jobs wait on a stack\'s queue: every reason that holds, ranked, with its evidence'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "timeline" -d 'What happened to a stack, newest first: activities, the scaler, log signals, operators'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "boot" -d 'Time to capacity: each boot\'s phases, launch to first job, and the slowest step'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "events" -d 'A stack\'s CloudFormation events and its nested stacks\', newest first, with a rollback\'s cause'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "update" -d 'Update a stack without dropping builds: preview (a change set), confirm, pause, execute, follow its events, resume, and follow the new capacity'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "watch" -d 'Say each incident once when it opens and once when it ends: to stdout, webhooks and a command, every interval, without anyone looking'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "doctor" -d 'Check each stack\'s configuration against known pitfalls: why each matters, what to change'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "completions" -d 'Print a shell completion script (see the README for where each shell reads it)'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "man" -d 'Print the manual page (roff) of bkops or of a command (`bkops man scaling pause`), e.g. `bkops man > ~/.local/share/man/man1/bkops.1`; `--dir` writes every page'
complete -c bkops -n "__fish_bkops_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bkops -n "__fish_bkops_using_subcommand status" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand status" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand status" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand status" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand status" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand status" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand status" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand status" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l since -d 'From when: a duration back (10m, 2h30m, 1d) or an RFC 3339 time' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l until -d 'Until when (same forms as --since)' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l group -d 'A log group (repeatable): agent, elastic-stack, docker, cloud-init, system, lifecycled, … or a full name' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l filter-pattern -d 'A CloudWatch filter pattern, applied by CloudWatch' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l grep -d 'Only lines matching this regex (case-insensitive unless it has an uppercase letter)' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l grep-v -d 'Only lines not matching this regex (case as --grep)' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l format -r -f -a "short\t'Time, group and message'
detailed\t'RFC 3339 time, group, stream and message'
json\t'One JSON object a line: timestamp, group, stream, event ID, message'"
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l poll -d 'Seconds between polls with --follow' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand logs" -s f -l follow -d 'Keep printing new lines as they arrive'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l all-groups -d 'Every group the stack ships to (system, cloud-init, cfn-init, lifecycled, auth too)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l case-sensitive -d '--grep and --grep-v match case exactly, whatever the pattern\'s case'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l no-color -d 'No colours (also NO_COLOR)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l no-timestamps -d 'No timestamps (the lines may have their own)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l compact -d 'Messages without what repeats the line\'s own time, the host and the program (the syslog prefix of agent and docker lines), as the dashboard shows them. Off: as written (JSON is always as written)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l live -d 'Follow with CloudWatch Live Tail (pushed each second, billed per minute, sampled over 500 lines/s); groups it cannot open are polled. Implies --follow'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -f -a "pause" -d 'Stop the scaler (disable its AutoscalingFunctionTimer rule), recording what it was'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -f -a "resume" -d 'Start the scaler again and restore the MinSize from before the pause'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -f -a "status" -d 'Whether the stack is paused, by whom and since when, and its sizes'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and not __fish_seen_subcommand_from pause resume status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l drain -d 'Also empty the group: DesiredCapacity 0, and MinSize 0 where needed'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -s y -l yes -d 'Do it without asking (for scripts)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l dry-run -d 'Print the calls that would be made, and make none'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Do it without asking (for scripts)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l dry-run -d 'Print the calls that would be made, and make none'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Stop the scaler (disable its AutoscalingFunctionTimer rule), recording what it was'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Start the scaler again and restore the MinSize from before the pause'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from help" -f -a "status" -d 'Whether the stack is paused, by whom and since when, and its sizes'
complete -c bkops -n "__fish_bkops_using_subcommand scaling; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l replace -d 'Launch a replacement for each (the group keeps its size). The default'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l shrink -d 'Lower the group\'s desired capacity instead of replacing them'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l drain -d 'Stop their Buildkite agents first and wait (up to 10 minutes) for their jobs to finish (needs BUILDKITE_API_TOKEN with write_agents)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -s y -l yes -d 'Do it without asking (for scripts)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l dry-run -d 'Print the calls that would be made, and make none'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand terminate" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l document -d 'A Session Manager document (default: the account\'s shell preferences)' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l command -d 'A command instead of a shell, e.g. \'sudo -iu buildkite-agent\' (AWS-StartInteractiveCommand)' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l ssm-client -d 'auto (the plugin when installed), plugin, or native (also `[ssm] client`)' -r -f -a "auto\t'The plugin when it is installed'
plugin\t''
native\t'The built-in client'"
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand ssm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bkops -n "__fish_bkops_using_subcommand why" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand why" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand why" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand why" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand why" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand why" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand why" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand why" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l since -d 'How far back: a duration (90s, 30m, 2h, 1d) or an RFC 3339 time' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand timeline" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l since -d 'How far back: a duration (90s, 30m, 2h, 1d) or an RFC 3339 time' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand boot" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand boot" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand events" -l since -d 'How far back: a duration (90s, 30m, 2h, 1d) or an RFC 3339 time' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand events" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand events" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand events" -s f -l follow -d 'Keep reading, oldest first, printing new events as they come: every 5 s while the stack changes, every 30 s while it is stable. Ctrl-C ends it'
complete -c bkops -n "__fish_bkops_using_subcommand events" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand events" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand events" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand events" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand events" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand update" -s p -l parameter -d 'Change a parameter (repeat for more); every other keeps its value' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l template-url -d 'Deploy this template instead of the stack\'s own (an https URL, as CloudFormation takes)' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand update" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand update" -l latest -d 'Deploy the latest published release (`[updates] latest_template_url`)'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l drain -d 'Empty the group before the update (DesiredCapacity 0; running jobs finish first), as the stack\'s documentation does, so that no job is lost to the rollover'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l external -d 'Make no update: pause scaling, wait for an update made elsewhere (terraform apply, the console) to end, and resume'
complete -c bkops -n "__fish_bkops_using_subcommand update" -s y -l yes -d 'Do it without asking (for scripts)'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l dry-run -d 'Print the calls that would be made, and make none'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand update" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand update" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l interval -d 'How often every stack is evaluated (at least 5s)' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l webhook -d 'POST each event here too (repeatable): https, or http to a loopback address' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l exec -d 'Run this command (with `sh -c`) for each event, the event\'s JSON on its standard input' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l once -d 'Evaluate once, print the incidents open now, and exit: 0 when there are none, 1 when there are'
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand watch" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand watch" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l format -r -f -a "text\t''
json\t''"
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand completions" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand completions" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand man" -l dir -d 'Write every page (bkops.1, bkops-status.1, …) to this directory, for packagers' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand man" -l demo-speed -d 'Fast-forward the simulated stacks by this factor (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l demo-seed -d 'Seed of the simulated stacks: the same seed gives the same demo (with --demo)' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l stack -d 'The stack to show first (its CloudFormation stack name). `bkops status` and `bkops watch` take it more than once' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l theme -d 'Theme: dark, light, high-contrast, monochrome, a name in ~/.config/bkops/themes, or a path' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l config -d 'Config file (default ~/.config/bkops/config.toml)' -r -F
complete -c bkops -n "__fish_bkops_using_subcommand man" -l profile -d 'AWS profile' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l region -d 'AWS region' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l context -d 'A context of `[[contexts]]` in config.toml: its AWS profile and region' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l endpoint-url -d 'A local AWS endpoint, e.g. http://127.0.0.1:5000 (AWS_ENDPOINT_URL works too)' -r
complete -c bkops -n "__fish_bkops_using_subcommand man" -l demo -d 'Run against the built-in simulated stacks instead of AWS (no account needed)'
complete -c bkops -n "__fish_bkops_using_subcommand man" -l all-contexts -d 'Every context of `[[contexts]]` at once (`bkops status`, `bkops watch`)'
complete -c bkops -n "__fish_bkops_using_subcommand man" -l utc -d 'Times in UTC rather than the local zone: the dashboard\'s and `bkops logs`\' (also `time = "utc"`)'
complete -c bkops -n "__fish_bkops_using_subcommand man" -l read-only -d 'Make no change anywhere: every mutating AWS call is refused (also `read_only = true`)'
complete -c bkops -n "__fish_bkops_using_subcommand man" -s h -l help -d 'Print help'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "status" -d 'Print one snapshot of the stacks, for scripts and chat bots'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "logs" -d 'Print an instance\'s log lines from every log group of its stack, merged in time order'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "scaling" -d 'Pause or resume a stack\'s autoscaling, or show whether it is paused and by whom'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "terminate" -d 'Terminate instances of a stack\'s Auto Scaling group, replacing them or shrinking it'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "ssm" -d 'Open a shell on an instance through Session Manager'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "why" -d 'Why jobs wait on a stack\'s queue: every reason that holds, ranked, with its evidence'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "timeline" -d 'What happened to a stack, newest first: activities, the scaler, log signals, operators'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "boot" -d 'Time to capacity: each boot\'s phases, launch to first job, and the slowest step'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "events" -d 'A stack\'s CloudFormation events and its nested stacks\', newest first, with a rollback\'s cause'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "update" -d 'Update a stack without dropping builds: preview (a change set), confirm, pause, execute, follow its events, resume, and follow the new capacity'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "watch" -d 'Say each incident once when it opens and once when it ends: to stdout, webhooks and a command, every interval, without anyone looking'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "doctor" -d 'Check each stack\'s configuration against known pitfalls: why each matters, what to change'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "completions" -d 'Print a shell completion script (see the README for where each shell reads it)'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "man" -d 'Print the manual page (roff) of bkops or of a command (`bkops man scaling pause`), e.g. `bkops man > ~/.local/share/man/man1/bkops.1`; `--dir` writes every page'
complete -c bkops -n "__fish_bkops_using_subcommand help; and not __fish_seen_subcommand_from status logs scaling terminate ssm why timeline boot events update watch doctor completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bkops -n "__fish_bkops_using_subcommand help; and __fish_seen_subcommand_from scaling" -f -a "pause" -d 'Stop the scaler (disable its AutoscalingFunctionTimer rule), recording what it was'
complete -c bkops -n "__fish_bkops_using_subcommand help; and __fish_seen_subcommand_from scaling" -f -a "resume" -d 'Start the scaler again and restore the MinSize from before the pause'
complete -c bkops -n "__fish_bkops_using_subcommand help; and __fish_seen_subcommand_from scaling" -f -a "status" -d 'Whether the stack is paused, by whom and since when, and its sizes'
