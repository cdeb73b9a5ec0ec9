from mentorfeed.cli import main

main()
