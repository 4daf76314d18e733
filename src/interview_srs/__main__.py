from interview_srs.cli import main

main()
