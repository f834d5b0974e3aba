/**
 * The project's error taxonomy: every failure a command reports is a {@link
 * io.lcnn.errors.LcnnException} of one of three kinds (bad input, a check that failed, an
 * internal error), carrying the file or field it concerns. The CLI maps the kinds to exit codes
 * in one place; {@link io.lcnn.errors.PrintableText} makes untrusted names safe to print.
 */
package io.lcnn.errors;
