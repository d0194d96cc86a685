/**
 * Update statements (replaceOne/updateOne) per bulkWrite. FerretDB 1.24 keeps every statement's SQLite cursor
 * open until the whole update command ends (a `defer` in a loop), and its pool has 100 connections: a command
 * of 100 or more statements waits for a connection that it holds itself, and that database hangs for good.
 */
export const UPDATES_PER_COMMAND = 50;
