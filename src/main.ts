/** Process entry: runs the `cardquant` command with this process's arguments (bin/cardquant.js loads it). */
import { main } from './cli.ts';

process.exitCode = await main(process.argv);
