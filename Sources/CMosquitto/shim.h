#ifndef DRIFTLINE_CMOSQUITTO_SHIM_H
#define DRIFTLINE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
