function __fcb_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fcb_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __fcb_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __fcb_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __fcb_parse_tokens -S
    set -l unparsed_tokens (__fcb_tokens -pc)
    switch $unparsed_tokens[1]
    case 'fcb'
        __fcb_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'serve'
            __fcb_parse_subcommand 0 'host=' 'port=' 'websocket-port=' 'database-url=' 'tls-cert=' 'tls-key=' 'log-format=' 'log-level=' 'workers=' 'send-rate=' 'reply-deadline=' 'max-connections=' 'body-budget-mib=' 'inbox-retention-days=' 'session-timeout=' 'max-delay=' 'env-file=' 'seed=' 'demo' 'allow-private-api-targets' 'socketio-path=' 'socketio-ping-interval=' 'socketio-ping-timeout=' 'socketio-connect-timeout=' 'socketio-max-payload=' 'instance-id=' 'version' 'h/help'
        case 'simulate'
            __fcb_parse_subcommand -r 1 'context=' 'from=' 'db=' 'mock-api=' 'real-time' 'script=' 'record=' 'check=' 'show-payloads' 'verbose' 'allow-private-api-targets' 'history-file=' 'no-color' 'version' 'h/help'
        case 'validate-flow'
            __fcb_parse_subcommand -r 1 'format=' 'strict' 'max-warnings=' 'ignore=+' 'max-delay=' 'list-rules' 'no-color' 'version' 'h/help'
        case 'replay-webhook'
            __fcb_parse_subcommand -r 1 'url=' 'secret=' 'tenant=' 'database-url=' 'repeat=' 'concurrency=' 'shuffle' 'seed=' 'rewrite=' 'text=' 'from=' 'phone-number-id=' 'name=' 'timeout=' 'version' 'h/help'
        case 'verify-signature'
            __fcb_parse_subcommand 1 'secret=' 'signature=' 'sign' 'version' 'h/help'
        case 'migrate-status'
            __fcb_parse_subcommand 0 'database-url=' 'migrations=' 'json' 'version' 'h/help'
        case 'migrate-deploy'
            __fcb_parse_subcommand 0 'database-url=' 'migrations=' 'baseline=' 'version' 'h/help'
        case 'inbox'
            __fcb_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __fcb_parse_subcommand 0 'database-url=' 'version' 'h/help'
            case 'parked'
                __fcb_parse_subcommand 0 'database-url=' 'limit=' 'payload' 'version' 'h/help'
            case 'requeue'
                __fcb_parse_subcommand -r 1 'database-url=' 'all' 'version' 'h/help'
            end
        case 'help'
            __fcb_parse_subcommand -r 1 'version'
        end
    end
end

function __fcb_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __fcb_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __fcb_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __fcb_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__fcb_tokens -p)
    if test -z "$(__fcb_tokens -t)"
        set -l index (count (__fcb_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'fcb' -f
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'serve' -d 'Run the multi-tenant WhatsApp webhook backend.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'simulate' -d 'Chat with a flow offline in a terminal, or replay a transcript as a regression test.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'validate-flow' -d 'Check flow definitions (ReactFlow JSON) for errors before they reach WhatsApp.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'replay-webhook' -d 'POST recorded or synthetic Meta webhook deliveries to a server, correctly signed.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'verify-signature' -d 'Check an X-Hub-Signature-256 header against a webhook body and explain mismatches.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'migrate-status' -d 'Compare prisma/migrations with the database\'s _prisma_migrations table (read-only).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'migrate-deploy' -d 'Apply pending migrations, each in a transaction, recording them as Prisma does.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'inbox' -d 'Inspect fcb serve\'s durable inbox and replay parked items.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" host' -l 'host' -d 'Bind address (env HOST, default 127.0.0.1). Use 0.0.0.0 to expose on all interfaces.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" port' -l 'port' -d 'HTTP port for webhooks, health and metrics (env PORT, default 3000; 0 picks a free port).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" websocket-port' -l 'websocket-port' -d 'A separate port for Socket.IO (env WEBSOCKET_PORT; default: Socket.IO is served on --port).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" database-url' -l 'database-url' -d 'Database: postgres://USER:PASS@HOST/DB or sqlite:PATH (env DATABASE_URL, default sqlite:./fcb.sqlite).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" tls-cert' -l 'tls-cert' -d 'PEM certificate (chain) for HTTPS (env TLS_CERT); needs --tls-key.' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" tls-key' -l 'tls-key' -d 'PEM private key for HTTPS, unencrypted (env TLS_KEY); needs --tls-cert.' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" log-format' -l 'log-format' -d 'Log format: auto, text or json (env FCB_LOG_FORMAT, default auto).' -rfka 'auto text json'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error or critical (env FCB_LOG_LEVEL, default info).' -rfka 'trace debug info notice warning error critical'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" workers' -l 'workers' -d 'Pipeline workers processing accepted deliveries, each one database commit in flight (env FCB_WORKERS, default 32; 0 = accept only, other instances process).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" send-rate' -l 'send-rate' -d 'Messages per second sent per WhatsApp business number: your number\'s throughput tier at Meta (env FCB_SEND_RATE, default 80; up to 1000 for upgraded numbers).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" reply-deadline' -l 'reply-deadline' -d 'Seconds a reply the Graph API did not accept (5xx, rate limits, no connection) keeps being retried, the contact\'s later messages waiting, before it is recorded Failed (env FCB_REPLY_DEADLINE, default 3600; 0 = record it at once).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" max-connections' -l 'max-connections' -d 'Open connections accepted, both listeners together; one more gets 503 (env FCB_MAX_CONNECTIONS, default 10000, lowered to fit the open-file limit).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" body-budget-mib' -l 'body-budget-mib' -d 'MiB of request bodies held in memory at once; a body beyond gets 503 at once (env FCB_BODY_BUDGET_MIB, default 64).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" inbox-retention-days' -l 'inbox-retention-days' -d 'Days finished inbox items are kept for diagnosis before they are deleted (env FCB_INBOX_RETENTION_DAYS, default 7; 0 keeps them forever; parked items are always kept).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" session-timeout' -l 'session-timeout' -d 'Seconds of inactivity after which a conversation starts over (env FCB_SESSION_TIMEOUT, default 86400).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" max-delay' -l 'max-delay' -d 'Longest delay a flow\'s delay node may wait, in seconds (env FCB_MAX_DELAY, default 60).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" env-file' -l 'env-file' -d 'The .env file to read (default: .env in the working directory, skipped when absent).' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" seed' -l 'seed' -d 'Create or update a tenant and its flows from a seed file before serving.' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" demo' -l 'demo' -d 'Demo mode: seed examples/demo.json and send replies to a local fake Graph API that logs them (never to Meta).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" allow-private-api-targets' -l 'allow-private-api-targets' -d 'Let flows\' api nodes call loopback, private and link-local addresses (env FCB_ALLOW_PRIVATE_API_TARGETS=true; off by default: such calls are refused and logged).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" socketio-path' -l 'socketio-path' -d 'Path Socket.IO is served at, socket.io-client\'s path option (env FCB_SOCKETIO_PATH, default /socket.io/).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" socketio-ping-interval' -l 'socketio-ping-interval' -d 'Milliseconds between the server\'s pings to a Socket.IO client (env FCB_SOCKETIO_PING_INTERVAL, default 25000).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" socketio-ping-timeout' -l 'socketio-ping-timeout' -d 'Milliseconds a Socket.IO client has to answer a ping before it is disconnected (env FCB_SOCKETIO_PING_TIMEOUT, default 20000).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" socketio-connect-timeout' -l 'socketio-connect-timeout' -d 'Milliseconds a Socket.IO connection may stay without connecting to a namespace (env FCB_SOCKETIO_CONNECT_TIMEOUT, default 45000).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" socketio-max-payload' -l 'socketio-max-payload' -d 'Bytes of one Socket.IO message, a binary one with its attachments (env FCB_SOCKETIO_MAX_PAYLOAD, default 1000000).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" instance-id' -l 'instance-id' -d 'This process\'s name on the inbox items it works on (default HOST:PORT).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb simulate" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" context' -l 'context' -d 'A JSON object that seeds the context of every new session, e.g. \'{"contact_name":"Ada"}\'.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" from' -l 'from' -d 'The contact\'s phone number (default 5491100000000).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" db' -l 'db' -d 'Keep the conversation in this SQLite file (created if missing); the next run with it resumes the open session. Not with --check.' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" mock-api' -l 'mock-api' -d 'Answer API nodes from this JSON fixtures file instead of the network (see docs/simulate.md).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" real-time' -l 'real-time' -d 'Really sleep in delay nodes (wall clock) instead of advancing the virtual clock.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" script' -l 'script' -d 'Read the inputs from this file, one per line (# comments; slash commands allowed; a transcript works too).' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" record' -l 'record' -d 'Write the conversation to this transcript file at the end (with --check: the replayed conversation).' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" check' -l 'check' -d 'Replay this transcript and fail with a diff when the bot\'s replies differ (exit 1).' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" show-payloads' -l 'show-payloads' -d 'Also print the exact Graph API JSON body of every message sent.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" verbose' -l 'verbose' -d 'Also print the trace: trigger, nodes visited, conditions with their result, assignments.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" allow-private-api-targets' -l 'allow-private-api-targets' -d 'Let API nodes call loopback, private and link-local addresses (refused by default against SSRF).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" history-file' -l 'history-file' -d 'Readline history file (an empty value disables it).' -rF
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" no-color' -l 'no-color' -d 'Disable coloured output (also disabled by NO_COLOR or when output is not a terminal).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb simulate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb validate-flow" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" format' -l 'format' -d 'Output format: text (compiler-style), json, or sarif (SARIF 2.1.0 for code scanning).' -rfka 'text json sarif'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" strict' -l 'strict' -d 'Treat warnings as errors (exit status 1 when any warning is found).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" max-warnings' -l 'max-warnings' -d 'Fail (exit 1) when there are more than this many warnings.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow"' -l 'ignore' -d 'Leave out findings of this rule id (repeatable). See --list-rules.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" max-delay' -l 'max-delay' -d 'Delay cap in seconds that `fcb serve` applies; longer delays are reported.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" list-rules' -l 'list-rules' -d 'Print the rule ids with their default severity and exit.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" no-color' -l 'no-color' -d 'Disable coloured output (also disabled by NO_COLOR or when output is not a terminal).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb validate-flow" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb replay-webhook" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" url' -l 'url' -d 'The webhook URL, e.g. http://127.0.0.1:3000/webhook.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" secret' -l 'secret' -d 'The app secret to sign with (Meta App Dashboard > App settings > Basic). Default: the META_APP_SECRET environment variable.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" tenant' -l 'tenant' -d 'Sign with this tenant\'s User.metaAppSecret from the database: a user id or its metaPhoneNumberId.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" database-url' -l 'database-url' -d 'Database URL: postgres://… (Prisma\'s form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" repeat' -l 'repeat' -d 'Send the whole set this many times (redeliveries).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" concurrency' -l 'concurrency' -d 'Deliveries in flight at once (1: one after the other).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" shuffle' -l 'shuffle' -d 'Send the deliveries in random order (prints the seed; see --seed).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" seed' -l 'seed' -d 'Seed for --shuffle, to repeat an order exactly (implies --shuffle).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" rewrite' -l 'rewrite' -d 'Rewrite values before signing: from=PHONE, phone_number_id=ID, id=fresh, timestamp=now|SECONDS (comma-separated).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" text' -l 'text' -d 'Synthesise a text message with this body instead of reading files.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" from' -l 'from' -d 'With --text: the contact\'s phone number (default 5491155550000).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" phone-number-id' -l 'phone-number-id' -d 'With --text: the business phone number id the message is for (default 106540352242922).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" name' -l 'name' -d 'With --text: the contact\'s profile name (default "Lucía Gómez").' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" timeout' -l 'timeout' -d 'Seconds to wait for each answer.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb replay-webhook" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb verify-signature" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb verify-signature" secret' -l 'secret' -d 'The app secret (Meta App Dashboard > App settings > Basic > App Secret). Default: the META_APP_SECRET environment variable.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb verify-signature" signature' -l 'signature' -d 'The X-Hub-Signature-256 header value to check, e.g. sha256=<64 hex digits> (several comma-separated candidates allowed).' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb verify-signature" sign' -l 'sign' -d 'Print the X-Hub-Signature-256 header value for the body (sha256=...) instead of checking one.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb verify-signature" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb verify-signature" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-status" database-url' -l 'database-url' -d 'Database URL: postgres://… (Prisma\'s form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-status" migrations' -l 'migrations' -d 'The Prisma migrations folder.' -rfa '(__fcb_complete_directories)'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-status" json' -l 'json' -d 'Print the status as one JSON object (keys in docs/migrations.md).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-status" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-deploy" database-url' -l 'database-url' -d 'Database URL: postgres://… (Prisma\'s form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-deploy" migrations' -l 'migrations' -d 'The Prisma migrations folder.' -rfa '(__fcb_complete_directories)'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-deploy" baseline' -l 'baseline' -d 'Record migrations up to and including this one as already applied, without running them.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-deploy" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb migrate-deploy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb inbox" -eq 1' -fa 'status' -d 'Count the inbox\'s items by state and show the age of the oldest unfinished one.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb inbox" -eq 1' -fa 'parked' -d 'List parked items, oldest first, with why each was parked.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_positional "fcb inbox" -eq 1' -fa 'requeue' -d 'Put parked items back in line (attempts reset); fcb serve picks them up.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox status" database-url' -l 'database-url' -d 'Database URL: postgres://… (Prisma\'s form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox status" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox parked" database-url' -l 'database-url' -d 'Database URL: postgres://… (Prisma\'s form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox parked" limit' -l 'limit' -d 'Show at most this many items.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox parked" payload' -l 'payload' -d 'Also print each item\'s stored payload (JSON).'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox parked" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox parked" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox requeue" database-url' -l 'database-url' -d 'Database URL: postgres://… (Prisma\'s form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.' -rfka ''
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox requeue" all' -l 'all' -d 'Requeue every parked item.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox requeue" version' -l 'version' -d 'Show the version.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb inbox requeue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'fcb' -n '__fcb_should_offer_completions_for_flags_or_options "fcb help" version' -l 'version' -d 'Show the version.'
