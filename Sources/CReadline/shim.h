// GNU readline for `fcb simulate` (Sources/fcb/SimulateREPL.swift).
//
// Swift 6 refuses to touch C globals such as `rl_readline_name` ("not concurrency-safe"), so
// every global the REPL needs is read or written through a static inline function here.
#ifndef FCB_CREADLINE_SHIM_H
#define FCB_CREADLINE_SHIM_H

#include <stdio.h>  // readline.h needs FILE
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

static inline const char *fcb_rl_library_version(void) { return rl_library_version; }

/// The application name for `$if fcb` conditionals in ~/.inputrc.
static inline void fcb_rl_set_readline_name(const char *name) { rl_readline_name = name; }

/// Tab completes the simulator's slash commands at the start of a line; elsewhere file names
/// (for `/save FILE`).
static inline char *fcb_rl_command_generator(const char *text, int state) {
    static const char *const commands[] = {
        "/help", "/vars", "/vars all", "/node", "/history", "/reset", "/advance", "/timeout", "/send-media",
        "/click", "/text", "/save", "/quit", NULL,
    };
    static int index;
    static size_t length;
    if (!state) {
        index = 0;
        length = strlen(text);
    }
    while (commands[index] != NULL) {
        const char *candidate = commands[index++];
        if (strncmp(candidate, text, length) == 0) return strdup(candidate);
    }
    return NULL;
}

static inline char **fcb_rl_complete(const char *text, int start, int end) {
    (void)end;
    if (start == 0 && text[0] == '/') {
        rl_attempted_completion_over = 1;
        return rl_completion_matches(text, fcb_rl_command_generator);
    }
    return NULL;
}

static inline void fcb_rl_install_completion(void) { rl_attempted_completion_function = fcb_rl_complete; }

#endif
