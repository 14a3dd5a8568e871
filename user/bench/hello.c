/*
 * hello: the smallest static program, the one forkexec and spawn execute;
 * it exits at once so their figures are the kernel's and the loader's.
 */
int main(void)
{
	return 0;
}
