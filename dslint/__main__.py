from dslint.cli import main

main()
