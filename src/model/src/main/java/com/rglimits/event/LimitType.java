package com.rglimits.event;

public enum LimitType {
    BALANCE,
    BET,
    DEPOSIT,
    LOSS,
    SESSION
}
