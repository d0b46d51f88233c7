.by_kind.mq_open == 2 and .by_kind.mq_send == 250 and .by_kind.mq_timedsend == 250
and .by_kind.mq_receive == 500 and .by_kind.mq_close == 2 and .by_kind.mq_unlink == 1
and $out.sum == 124750
