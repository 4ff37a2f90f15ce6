from dslint.cli import main

# guarded: a multiprocessing child started by spawn or forkserver imports this module
if __name__ == "__main__":
    main()
