.threads == 1 and .processes == 1 and .program.exit_status == 0
