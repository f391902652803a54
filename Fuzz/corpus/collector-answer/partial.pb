

one refused