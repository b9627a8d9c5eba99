"""Answer corpus, lesson 07: the visible check and the grade agree on every answer.

The fragments name no sizes: the lesson runs on all of MNIST when Keras can fetch it, and
on 5,000 of its digits otherwise (see ``helpers.digits``).
"""

import pytest

from tests.corpus import Answer, assert_agree

LESSON = "07-handwritten-digits"
MODEL = "model_flatten_dense_dropout_logits"
UNTRAINED = "untrained_loss_near_ln_10"
COMPILE = "compiled_with_logits_loss_and_accuracy"
TRAINING = "trained_five_epochs"
EVALUATION = "test_accuracy_from_evaluate"
PROBABILITIES = "probability_model_softmax"
PREDICTION = "predicted_digit_is_argmax"


def model(*layers_, first="keras.Input(shape=(28, 28)), layers.Flatten()"):
    middle = ", ".join(layers_ or ("layers.Dense(128, activation='relu')",
                                   "layers.Dropout(0.2)", "layers.Dense(10)"))
    return f"model = keras.Sequential([{first}, {middle}])"


LOSS_FN = "loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"


def untrained(value="loss_fn(y_train[:1000], model(x_train[:1000])).numpy()", loss_fn=LOSS_FN):
    return f"{loss_fn}untrained_loss = {value}"


def training(arguments="x_train, y_train, epochs=5, verbose=0"):
    return f"history = model.fit({arguments})"


def probability_model(code):
    return f"probability_model = {code}"


ANSWERS = [
    # 1) the model
    Answer(MODEL, model(), label="sequential"),
    Answer(MODEL, "inputs = keras.Input(shape=(28, 28))\nx = layers.Flatten()(inputs)\n"
           "x = layers.Dense(128, activation='relu')(x)\nx = layers.Dropout(0.2)(x)\n"
           "model = keras.Model(inputs=inputs, outputs=layers.Dense(10)(x))", label="functional"),
    Answer(MODEL, model("layers.Dense(128)", "layers.ReLU()", "layers.Dropout(rate=0.2)",
                        "layers.Dense(10, activation=None)"), label="ReLU layer"),
    Answer(MODEL, model("layers.Dense(units=128, activation=keras.activations.relu)",
                        "layers.Dropout(0.2)", "layers.Dense(units=10, activation='linear')",
                        first="keras.Input(shape=x_train.shape[1:]), layers.Flatten()"),
           label="objects and keywords"),
    Answer(MODEL, model(first="layers.Flatten(input_shape=(28, 28))"), label="input_shape="),
    Answer(MODEL, model("layers.Dense(128, activation='relu')", "layers.Dropout(0.2)",
                        "layers.Dense(10, activation='softmax')"), fix="applies softmax",
           label="softmax output"),
    Answer(MODEL, model("layers.Dense(64, activation='relu')", "layers.Dropout(0.2)",
                        "layers.Dense(10)"), fix="64 units", label="units"),
    Answer(MODEL, model("layers.Dense(128, activation='relu')", "layers.Dropout(0.5)",
                        "layers.Dense(10)"), fix="drops 0.5", label="rate"),
    Answer(MODEL, model(first="keras.Input(shape=(28, 28))"),
           fix="where the question puts a Flatten layer", label="no Flatten"),
    Answer(MODEL, model(first="keras.Input(shape=(784,))"),
           fix="expects examples of shape (784,)", label="flat input"),
    Answer(MODEL, "class DigitModel(keras.Sequential):\n    pass\n\n\n"
           + model().replace("keras.Sequential(", "DigitModel("), fix="your own class",
           label="own class"),
    # 2) the untrained loss
    Answer(UNTRAINED, untrained(), label="numpy"),
    Answer(UNTRAINED, untrained("float(loss_fn(y_train[:1000], model.predict(x_train[:1000], "
                                "verbose=0)))"), label="predict, float"),
    Answer(UNTRAINED, untrained("loss_fn(y_true=y_train[:1000], y_pred=model(x_train[:1000]))"),
           label="tensor, keywords"),
    Answer(UNTRAINED, untrained(loss_fn="loss_fn = keras.losses.SparseCategoricalCrossentropy()\n"),
           fix="with `from_logits=True`", label="from probabilities"),
    Answer(UNTRAINED, untrained("loss_fn(y_train, model(x_train)).numpy()"),
           fix="first 1,000 training images", label="every training image"),
    Answer(UNTRAINED, untrained("2.3"), fix="rather than typing a number", label="typed in"),
    Answer(UNTRAINED, untrained("loss_fn(y_test[:1000], model(x_test[:1000])).numpy()"),
           fix="first 1,000 training images", label="test images"),
    Answer(UNTRAINED, untrained("loss_fn(mnist.y_train[:1000], "
                                "model(mnist.x_train[:1000])).numpy()"),
           fix="far from what near-uniform guesses", label="unscaled pixels"),
    # 3) compile
    Answer(COMPILE, "model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])",
           label="strings"),
    Answer(COMPILE, "model.compile(optimizer=keras.optimizers.Adam(), "
           "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), "
           "metrics=[keras.metrics.SparseCategoricalAccuracy()])", label="objects"),
    Answer(COMPILE, "model.compile('adam', loss_fn, metrics=('sparse_categorical_accuracy',))",
           label="positional, tuple"),
    Answer(COMPILE, "model.compile(optimizer=keras.optimizers.AdamW(), loss=loss_fn, "
           "metrics=['accuracy'])", fix="the AdamW optimizer", label="AdamW"),
    Answer(COMPILE, "model.compile(optimizer='sgd', loss=loss_fn, metrics=['accuracy'])",
           fix="the SGD optimizer", label="SGD"),
    Answer(COMPILE, "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
           "metrics=['accuracy'])", fix="from probabilities", label="loss from probabilities"),
    Answer(COMPILE, "model.compile(optimizer='adam', loss=loss_fn)", fix="metrics: none",
           label="no metric"),
    # 4) training (each entry trains: few of them)
    Answer(TRAINING, training(), label="positional"),
    Answer(TRAINING, training("x=x_train, y=y_train, batch_size=32, epochs=5, verbose=0"),
           label="keywords"),
    Answer(TRAINING, training("x_train, y_train, epochs=1, verbose=0"), fix="ran for 1 epochs",
           label="epochs"),
    Answer(TRAINING, training("x_test, y_test, epochs=5, verbose=0"),
           fix="as many as the test images give", label="test images"),
    Answer(TRAINING, training("x_train[:2000], y_train[:2000], epochs=5, verbose=0"),
           fix="training examples in batches of 32 take", label="a subset"),
    Answer(TRAINING, training("x_train, y_train, epochs=5, batch_size=64, verbose=0"),
           fix="training examples in batches of 32 take", label="batch size"),
    # 5) evaluation
    Answer(EVALUATION, "test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)",
           label="evaluate"),
    Answer(EVALUATION, "scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)\n"
           "test_loss, test_accuracy = scores['loss'], np.float32(scores['accuracy'])",
           label="return_dict, float32"),
    Answer(EVALUATION, "logits = model.predict(x_test, verbose=0)\n"
           "test_loss = float(loss_fn(y_test, logits))\n"
           "test_accuracy = np.mean(np.argmax(logits, axis=1) == y_test)",
           label="computed by hand, float64"),
    Answer(EVALUATION, "test_accuracy, test_loss = model.evaluate(x_test, y_test, verbose=0)",
           fix="swapped", label="swapped"),
    Answer(EVALUATION, "test_loss, test_accuracy = model.evaluate(x_train, y_train, verbose=0)",
           fix="not the model's accuracy on the test split", label="training images"),
    Answer(EVALUATION, "test_loss, test_accuracy = 0.08, 0.975",
           fix="not the model's accuracy on the test split", label="typed in"),
    Answer(EVALUATION, "test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)\n"
           "test_accuracy = 100 * test_accuracy", fix="a fraction between 0 and 1",
           label="percent"),
    # 6) probabilities
    Answer(PROBABILITIES, probability_model("keras.Sequential([model, layers.Softmax()])"),
           label="Softmax layer"),
    Answer(PROBABILITIES, probability_model("keras.Sequential([model, "
                                            "layers.Activation('softmax')])"),
           label="Activation layer"),
    Answer(PROBABILITIES, "inputs = keras.Input(shape=(28, 28))\n"
           + probability_model("keras.Model(inputs, layers.Softmax()(model(inputs)))"),
           label="functional"),
    Answer(PROBABILITIES, probability_model("model"), fix="Put a `layers.Softmax()` after",
           label="no softmax"),
    Answer(PROBABILITIES, probability_model("keras.Sequential([model, "
                                            "layers.Dense(10, activation='softmax')])"),
           fix="not those of your trained `model`", label="a new softmax layer"),
    Answer(PROBABILITIES, probability_model("keras.Sequential([model, "
                                            "layers.Activation('sigmoid')])"),
           fix="not probabilities", label="sigmoid"),
    Answer(PROBABILITIES, probability_model("keras.Sequential([model, "
                                            "layers.Lambda(keras.activations.softmax)])"),
           fix="`Lambda` layer", label="Lambda"),
    # 7) prediction
    Answer(PREDICTION, "predicted_digit = int(np.argmax(probability_model(x_test[:1]).numpy()))",
           label="int"),
    Answer(PREDICTION, "predicted_digit = probability_model.predict(x_test[:1], verbose=0).argmax()",
           label="numpy integer"),
    Answer(PREDICTION, "predicted_digit = np.argmax(probability_model(x_test[:1]), axis=1)",
           fix="one whole number", label="an array"),
    Answer(PREDICTION, "predicted_digit = float(np.max(probability_model(x_test[:1])))",
           fix="one whole number", label="the probability"),
    Answer(PREDICTION, "predicted_digit = int(np.argmax(probability_model(x_test[1:2])))",
           fix="is not the digit", label="second image"),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=str)
def test_check_and_grade_agree(answer):
    assert_agree(LESSON, answer, ANSWERS)
