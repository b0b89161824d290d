/**
 * The goals: thin Mojos that read parameters, check skip and up-to-date, call one stage's entry point and
 * map its typed errors to messages naming the POM element. The only package with Maven types.
 * <p>May use every other package.
 */
package io.clusterimage.maven;
