// Loaded with `node --import`: prints the process's peak resident memory when it exits.
process.on('exit', () => process.stderr.write(`peak_rss_mb=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`));
