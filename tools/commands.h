/* The subcommands of the memcarve command line; each lives in its own
 * tools/cmd_<name>.c and returns an exit status from options.h. */
#ifndef MC_TOOLS_COMMANDS_H
#define MC_TOOLS_COMMANDS_H

int mc_cmd_solve(int argc, char **argv);   /* static planning (default)  */
int mc_cmd_check(int argc, char **argv);   /* validate a layout file     */
int mc_cmd_lattice(int argc, char **argv); /* lattice array contraction  */
int mc_cmd_spm(int argc, char **argv);     /* scratch-pad heap demo/stat */
int mc_cmd_cache(int argc, char **argv);   /* caching allocator traces   */
int mc_cmd_draw(int argc, char **argv);    /* SVG picture of a layout    */
int mc_cmd_sync(int argc, char **argv);    /* barrier-aware planning     */
int mc_cmd_gen(int argc, char **argv);     /* synthetic problem files    */

#endif
